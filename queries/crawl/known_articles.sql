-- One row per article URL the database already knows (stored, or fetched by the crawler), as the
-- crawler's compact index wants it, sorted by key:
--   key          first 64 bits of md5(url), the same as pipelines.store.crawl_state.url_key
--   first_seen   first sight, microseconds since 1970 (UTC)
--   fetches      crawler fetches that got an answer to keep (an ingested article counts 0), at most
--                255: the page (200, HTML or not, with article text or not), its end (404, 410), or a
--                refusal that stands (robots.txt rules that disallow it, a page over the download limit,
--                a redirect to javascript: or mailto:), by the reasons describe_failure in
--                crawlers/spiders/news.py gives. A page is fetched once more in the re-check window and
--                then no more: a deleted story or a PDF a sitemap lists for months is not fetched (and
--                failed) every hour. Timeouts, other refusals (a robots.txt that did not answer) and
--                other statuses do not count: the page is tried again next run.
--   stored       a version exists
-- Grouping by key rather than url keeps the strings out of the hash table: two URLs sharing 64 bits
-- of md5 are not expected below billions of them.
WITH seen AS (
    SELECT url, first_seen_at AS seen_at, 0 AS fetched, 1 AS stored FROM articles
    UNION ALL
    SELECT url, fetched_at, 1, 0 FROM fetches
    WHERE kind = 'article'
      AND (status IN (200, 404, 410)
           OR error LIKE '%: disallowed by robots.txt'
           OR error LIKE '%: response larger than the download limit (%'
           OR error LIKE '%: redirects to a URL that is not http(s) (%')
    UNION ALL
    -- a listed URL that redirected: its fetch row names the listing; the page, stored under the URL
    -- it landed on (same WARC record), was fetched too, and is re-checked when listed as it is
    SELECT a.url, f.fetched_at, 1, 0
    FROM fetches f JOIN articles a ON a.warc_file = f.warc_file AND a.warc_offset = f.warc_offset
    WHERE f.kind = 'article' AND f.status = 200 AND a.url <> f.url
)
SELECT ('0x' || left(md5(url), 16))::UBIGINT AS key,
       epoch_us(min(seen_at)) AS first_seen,
       least(sum(fetched), 255)::UTINYINT AS fetches,
       max(stored) = 1 AS stored
FROM seen
GROUP BY key
ORDER BY key
