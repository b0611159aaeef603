-- 007 merged WARC paths: an article a distributed crawl's `merge` stored points at its WARC record by
-- full path.

-- Before 2026-12-07 it kept the worker's file name alone, which lies in the shards folder merge read,
-- not in the database's archive/: `reprocess` could not find it. The folder is the merge run's
-- argument; one given as a relative path cannot be placed now and is left as it was.
UPDATE articles SET warc_file = rtrim(r.args, '/') || '/' || articles.warc_file
FROM runs AS r
WHERE r.run_id = articles.run_id
  AND r.command = 'merge'
  AND r.args LIKE '/%'
  AND articles.warc_file IS NOT NULL
  AND articles.warc_file NOT LIKE '/%';
