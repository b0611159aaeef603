-- new_carriers: one row per outlet first seen carrying a given agency's copy since a date.
--   outlet          the outlet
--   origin_agency   the agency ($agency)
--   first_copy_at   publication time of its first article with that origin
--   first_copy_url  that article
--   copies_since    the agency's stories it copied since $since (a story it ran again under a second URL
--                   counts once)
-- Parameters: $agency (any name or alias data/agencies.toml gives it, in any case, e.g. Sputnik or ТАСС),
--             $since (a date or time, UTC unless it carries an offset, e.g. 2026-11-01 or
--             2026-11-16T12:00+05:30).
-- Articles without a publication time are left out: when an undated copy appeared is not known, so an
-- outlet whose copies are all undated is not listed (find them in article_origins where published_at
-- is null).
WITH since AS (
    -- a date or a time without a zone is read as UTC; one with an offset or a zone name is converted
    -- to UTC, whatever the session's TimeZone (provtrack's is UTC; a plain DuckDB shell's the machine's)
    SELECT CASE WHEN regexp_matches(CAST($since AS VARCHAR),
                                    '^ *[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)? *$')
                THEN CAST(CAST($since AS VARCHAR) AS TIMESTAMP)
                ELSE timezone('UTC', CAST(CAST($since AS VARCHAR) AS TIMESTAMPTZ)) END AS t
),
copies AS (
    SELECT outlet, origin_agency, published_at, article_url,
           coalesce(origin_url, article_url) AS story  -- a copy known by its credit alone: a story of its own
    FROM article_origins
    WHERE lower(origin_agency) = lower($agency) AND credit_status IS DISTINCT FROM 'self' AND published_at IS NOT NULL
)
SELECT outlet, origin_agency, min(published_at) AS first_copy_at, arg_min(article_url, published_at) AS first_copy_url,
       count(DISTINCT story) FILTER (WHERE published_at >= since.t) AS copies_since
FROM copies, since
GROUP BY ALL
HAVING min(published_at) >= any_value(since.t)
ORDER BY first_copy_at;
