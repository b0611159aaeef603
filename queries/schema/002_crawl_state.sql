-- 002 crawl state: which source a fetch belonged to, and indexes for the crawler's start-up look-ups
-- (known article URLs, the last ETag / Last-Modified / content hash of each feed and sitemap).
ALTER TABLE fetches ADD COLUMN source VARCHAR;  -- crawl source (sources.toml name or ad-hoc URL) the fetch belonged to
CREATE INDEX fetches_url_idx ON fetches (url);
CREATE INDEX articles_url_idx ON articles (url);
