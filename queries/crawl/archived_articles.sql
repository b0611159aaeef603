-- One row per article URL with an archived response: the latest successful fetch (warc_file,
-- warc_offset), the outlet of the latest stored version, and the date claims that do not come from
-- the page itself (feed, sitemap, first_seen, input), as [{source, value}], for `provtrack reprocess`.
WITH latest_fetch AS (
    SELECT url, warc_file, warc_offset, fetched_at
    FROM fetches
    WHERE kind = 'article' AND status = 200 AND warc_file IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, fetch_id DESC) = 1
),
latest_version AS (
    SELECT article_id, url, outlet_id
    FROM articles
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY version DESC) = 1
)
SELECT f.url, f.warc_file, f.warc_offset, f.fetched_at, o.name AS outlet,
       (SELECT list({'source': d.source, 'value': d.value})
          FROM article_dates d
         WHERE d.article_id = v.article_id AND d.source IN ('feed', 'sitemap', 'first_seen', 'input')) AS dates
FROM latest_fetch f
LEFT JOIN latest_version v USING (url)
LEFT JOIN outlets o ON o.outlet_id = v.outlet_id
ORDER BY f.url
