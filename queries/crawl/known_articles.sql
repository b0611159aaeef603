-- One row per article URL the database already knows (stored, or fetched by the crawler), as the
-- crawler's compact index wants it, sorted by key:
--   key          first 64 bits of md5(url), the same as pipelines.store.crawl_state.url_key
--   first_seen   first sight, microseconds since 1970 (UTC)
--   fetches      successful crawler fetches (an ingested article counts 0), at most 255
--   stored       a version exists
-- Grouping by key rather than url keeps the strings out of the hash table: two URLs sharing 64 bits
-- of md5 are not expected below billions of them.
WITH seen AS (
    SELECT url, first_seen_at AS seen_at, 0 AS fetched, 1 AS stored FROM articles
    UNION ALL
    SELECT url, fetched_at, 1, 0 FROM fetches WHERE kind = 'article' AND status = 200
)
SELECT ('0x' || left(md5(url), 16))::UBIGINT AS key,
       epoch_us(min(seen_at)) AS first_seen,
       least(sum(fetched), 255)::UTINYINT AS fetches,
       max(stored) = 1 AS stored
FROM seen
GROUP BY key
ORDER BY key
