-- Every stored version of each URL in the list given (?: VARCHAR[]): url, version, text_hash,
-- article_id, the WARC record it was made from (warc_file, warc_offset; NULL for rows ingested from
-- JSONL or text) and its credits as sorted 'agency/role' strings.
-- A page whose text and credits both equal its URL's latest version is unchanged; so is one equal to
-- the version made from the same WARC record (a WARC file ingested twice, from wherever it lies).
-- Another is the next version (a credit line added below the article after publication changes no
-- text; a page whose text went back to an earlier one).
SELECT a.url, a.version, a.text_hash, a.article_id, a.warc_file, a.warc_offset,
       coalesce(list(DISTINCT c.agency || '/' || c.role ORDER BY c.agency || '/' || c.role)
                FILTER (WHERE c.agency IS NOT NULL), []) AS credits
FROM articles a
LEFT JOIN article_credits c USING (article_id)
WHERE a.url IN (SELECT unnest(?::VARCHAR[]))
GROUP BY ALL
ORDER BY a.url, a.version
