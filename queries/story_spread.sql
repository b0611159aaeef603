-- story_spread: one row per outlet that took one URL's story on, directly or through others: who passed it on.
-- An outlet is listed once, at its first article of the story: running its copy again under a second URL
-- (or the URL's own outlet running the story again) spreads it no further. Such a repost can still be
-- another's copied_from; story_chain on that copy, or article_origins, shows every article.
--   step           1 for a direct copy of the article, 2 for a copy of that copy, ...
--   article_url    the copy
--   copied_from    the article it took the story from (its immediate source)
--   outlet, published_at, derivation, reuse_score, credit_status: as in article_origins
--   hours_after    hours from the article at $url to this copy; null when either has no time, or when
--                  the copy is stamped before it (dated by day only, or a clock off: see article_origins)
-- Parameters: $url, the article to start from, usually an agency original (through provtrack query
--             or the Python API, looked up as `provtrack explain` does: tracking parameters and
--             fragment dropped, either scheme, with or without "www." and a trailing slash; in DuckDB
--             itself, give it as stored).
WITH RECURSIVE spread(step, article_url) AS (
    SELECT 0, $url
    UNION
    SELECT spread.step + 1, ao.article_url
    FROM spread JOIN article_origins ao ON ao.source_url = spread.article_url
    WHERE spread.step < 20
),
reached AS (  -- each copy once, at its shortest distance
    SELECT article_url, min(step) AS step FROM spread WHERE step > 0 GROUP BY article_url
)
SELECT r.step, ao.article_url, ao.source_url AS copied_from, ao.outlet, ao.published_at, ao.derivation,
       round(ao.reuse_score, 3) AS reuse_score, ao.credit_status,
       CASE WHEN ao.published_at >= origin.published_at
            THEN round(date_diff('minute', origin.published_at, ao.published_at) / 60.0, 1) END AS hours_after
FROM reached r
JOIN article_origins ao USING (article_url)
LEFT JOIN article_origins origin ON origin.article_url = $url
WHERE ao.outlet IS DISTINCT FROM origin.outlet
QUALIFY row_number() OVER (PARTITION BY ao.outlet ORDER BY ao.published_at NULLS LAST, r.step, ao.article_url) = 1
ORDER BY r.step, ao.published_at, ao.article_url;
