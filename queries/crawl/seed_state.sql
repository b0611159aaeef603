-- One row per feed, sitemap or site page URL (home, section, tag page: not an article): what its last
-- successful fetch in a finished run returned (etag, last_modified for a conditional GET of a feed or
-- sitemap; content_hash to notice an unchanged body, which is then not archived again; warc_file,
-- warc_offset of that body, read again when a feed or sitemap answers 304 Not Modified).
-- Runs that were killed do not count: their feeds must be read again so nothing they listed is lost.
SELECT f.url, f.etag, f.last_modified, f.content_hash, f.warc_file, f.warc_offset
FROM fetches f
JOIN runs r USING (run_id)
WHERE f.kind IN ('feed', 'sitemap', 'site')
  AND f.status = 200
  AND f.content_hash IS NOT NULL
  AND r.status IN ('ok', 'partial')
QUALIFY row_number() OVER (PARTITION BY f.url ORDER BY f.fetched_at DESC, f.fetch_id DESC) = 1
