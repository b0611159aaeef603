-- Every stored version of each URL in the list given (?: VARCHAR[]): url, version, text_hash,
-- article_id, the WARC record it was made from (warc_file, warc_offset; NULL for rows ingested from
-- JSONL, CSV, Parquet or text), the names of the input files that held it (input_files; empty for a
-- WARC record or a crawl) and its credits as sorted 'agency/role' strings.
-- A page whose text and credits both equal its URL's latest version is unchanged; so is one equal to
-- the version made from the same WARC record (a WARC file ingested twice, from wherever it lies), and a
-- row of a file read before (pipelines/store/file_rows.py: a file holding several texts of one page,
-- ingested twice). Another is the next version (a credit line added below the article after
-- publication changes no text; a page whose text went back to an earlier one).
SELECT a.url, a.version, a.text_hash, a.article_id, a.warc_file, a.warc_offset,
       coalesce(list(DISTINCT r.input_file) FILTER (WHERE r.input_file IS NOT NULL), []) AS input_files,
       coalesce(list(DISTINCT c.agency || '/' || c.role ORDER BY c.agency || '/' || c.role)
                FILTER (WHERE c.agency IS NOT NULL), []) AS credits
FROM articles a
LEFT JOIN article_credits c USING (article_id)
LEFT JOIN input_records r USING (article_id)
WHERE a.url IN (SELECT unnest(?::VARCHAR[]))
GROUP BY ALL
ORDER BY a.url, a.version
