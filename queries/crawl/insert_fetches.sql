-- Append the crawler's fetch records (the temporary table `new_fetches`) for one run.
INSERT INTO fetches (run_id, url, kind, status, fetched_at, content_type, etag, last_modified,
                     content_hash, warc_file, warc_offset, error, source)
SELECT run_id, url, kind, status, fetched_at, content_type, etag, last_modified,
       content_hash, warc_file, warc_offset, error, source
FROM new_fetches
