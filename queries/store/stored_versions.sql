-- Every stored version of each URL in the list given (?: VARCHAR[]): url, version, text_hash,
-- article_id, its number of words (runs of non-space, as Python's str.split counts them for the page
-- compared), the WARC record it was made from (warc_file, warc_offset; NULL for rows ingested from
-- JSONL, CSV, Parquet or text), the names of the input files that held it, once per row that did
-- (input_files; empty for a WARC record or a crawl) and its credits as sorted 'agency/role' strings.
-- A page whose text and credits both equal its URL's latest version is unchanged; so is one equal to
-- the version made from the same WARC record (a WARC file ingested twice, from wherever it lies), and a
-- row of a file read before (pipelines/store/file_rows.py: a file holding several texts of one page,
-- ingested twice). Another is the next version (a credit line added below the article after
-- publication changes no text; a page whose text went back to an earlier one), unless it holds under
-- a third of the latest version's words (a paywall or a "page not found" at a re-check: a stub).
WITH versions AS (
    SELECT url, version, text_hash, article_id, warc_file, warc_offset,
           len(regexp_extract_all(text, '\S+')) AS words
    FROM articles
    WHERE url IN (SELECT unnest(?::VARCHAR[]))
),
files AS (
    SELECT article_id, list(input_file) AS input_files
    FROM input_records
    WHERE article_id IN (SELECT article_id FROM versions)
    GROUP BY article_id
),
credited AS (
    SELECT article_id, list(DISTINCT agency || '/' || role ORDER BY agency || '/' || role) AS credits
    FROM article_credits
    WHERE article_id IN (SELECT article_id FROM versions) AND agency IS NOT NULL
    GROUP BY article_id
)
SELECT v.url, v.version, v.text_hash, v.article_id, v.words, v.warc_file, v.warc_offset,
       coalesce(f.input_files, []) AS input_files, coalesce(c.credits, []) AS credits
FROM versions v
LEFT JOIN files f USING (article_id)
LEFT JOIN credited c USING (article_id)
ORDER BY v.url, v.version
