-- One row per article URL with an archived response: the latest successful fetch (warc_file,
-- warc_offset), the outlet of the latest stored version, and the date claims that do not come from
-- the page itself (feed, sitemap, first_seen, input), as [{source, value}], and the URL its stored
-- version has (stored_url), for `provtrack reprocess`.
-- The fetch log keeps the URL a listing named; a page that redirected is stored under the URL it
-- landed on, read off a version stored from one of that URL's fetches (same WARC record).
-- A distributed crawl's workers keep no fetch log: for a URL `merge` stored, its latest version's
-- own record is read (pages ingested from WARC files are not reprocessed: those files are the user's).
WITH crawled AS (
    SELECT url, warc_file, warc_offset, fetched_at
    FROM fetches
    WHERE kind = 'article' AND status = 200 AND error IS NULL AND warc_file IS NOT NULL  -- not a PDF
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, fetch_id DESC) = 1
),
merged AS (
    SELECT a.url, a.warc_file, a.warc_offset, a.first_seen_at AS fetched_at
    FROM articles a
    JOIN runs r USING (run_id)
    WHERE r.command = 'merge' AND a.warc_file IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY a.url ORDER BY a.version DESC) = 1
),
latest_fetch AS (  -- a URL both crawled here and merged from a worker: the later fetch
    SELECT * FROM (SELECT * FROM crawled UNION ALL SELECT * FROM merged)
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1
),
landed AS (  -- where the latest fetch that stored a version landed (a listed URL may redirect elsewhere later)
    SELECT f.url, arg_max(a.url, f.fetched_at) AS stored_url
    FROM fetches f
    JOIN articles a ON a.warc_file = f.warc_file AND a.warc_offset = f.warc_offset
    WHERE f.kind = 'article' AND f.status = 200 AND a.url <> f.url
    GROUP BY f.url
),
latest_version AS (
    SELECT article_id, url, outlet_id
    FROM articles
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY version DESC) = 1
)
SELECT f.url, f.warc_file, f.warc_offset, f.fetched_at, o.name AS outlet,
       (SELECT list({'source': d.source, 'value': d.value})
          FROM article_dates d
         WHERE d.article_id = v.article_id AND d.source IN ('feed', 'sitemap', 'first_seen', 'input')) AS dates,
       coalesce(l.stored_url, f.url) AS stored_url
FROM latest_fetch f
LEFT JOIN landed l USING (url)
LEFT JOIN latest_version v ON v.url = coalesce(l.stored_url, f.url)
LEFT JOIN outlets o ON o.outlet_id = v.outlet_id
-- one page per stored article, its latest fetch, whichever URL listed it: two listings landing on
-- one page each gave theirs, and the one saved last (an older page) became the newest version
QUALIFY row_number() OVER (PARTITION BY coalesce(l.stored_url, f.url) ORDER BY f.fetched_at DESC) = 1
ORDER BY f.url
