-- Article URLs whose latest version `provtrack ingest` read from a WARC file (warc_file is then the
-- file's full path): `provtrack reprocess` reads only the crawl's own archive, and says how many it left.
SELECT count(*)
FROM (
    SELECT a.warc_file, r.command
    FROM articles a
    JOIN runs r USING (run_id)
    QUALIFY row_number() OVER (PARTITION BY a.url ORDER BY a.version DESC) = 1
)
WHERE command = 'ingest' AND warc_file IS NOT NULL
