-- One row per article URL the database already knows (stored, or fetched by the crawler):
-- url, first_seen_at (first sight), fetches (successful crawler fetches; an ingested article counts 0),
-- stored (a version exists). The crawler skips these, except for one re-check inside its window.
WITH seen AS (
    SELECT url, first_seen_at AS seen_at, 0 AS fetched, 1 AS stored FROM articles
    UNION ALL
    SELECT url, fetched_at, 1, 0 FROM fetches WHERE kind = 'article' AND status = 200
)
SELECT url, min(seen_at) AS first_seen_at, sum(fetched)::INTEGER AS fetches, max(stored) = 1 AS stored
FROM seen
GROUP BY url
