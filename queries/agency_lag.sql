-- agency_lag: one row per (outlet, origin agency): how fast that agency's copy reaches the outlet.
--   outlet         the outlet that ran the copy
--   origin_agency  the agency at the root of the chain
--   copies         the agency's stories the outlet copied with a lag: their origin, the agency's own
--                  article, is in the database, and both have a time, the copy's not before the origin's
--   median_hours   median hours from the origin article to the outlet's first copy of it
--   p90_hours      90th percentile of the same
--   fastest_hours  the quickest copy
-- An outlet's copies of one origin story count once, at its first (the shortest lag): a paper running its
-- copy again the next day under a second URL took its story once, and counted twice it read as a slower
-- outlet (3 h and 23 h: median 13 h).
-- Articles without a publication time are left out, and so are copies stamped before their origin: a
-- page dated by day only (stored at midnight UTC) or one whose clock is off, which the linker places
-- after the agency's story (see article_origins); their lag is not known, and counted it would be negative.
WITH first_copies AS (  -- one row per (outlet, origin story): its first copy
    SELECT ao.outlet, ao.origin_agency,
           min(date_diff('minute', org.published_at, ao.published_at) / 60.0) AS hours
    FROM article_origins ao
    JOIN article_origins org ON org.article_url = ao.origin_url
    WHERE ao.hops >= 1 AND ao.published_at IS NOT NULL AND org.published_at IS NOT NULL
      AND ao.credit_status IS DISTINCT FROM 'self'  -- an agency's own follow-up story is no outlet's copy
      AND org.credit_status = 'self' AND org.origin_agency = ao.origin_agency  -- not an intermediary's copy
      AND ao.published_at >= org.published_at  -- stamped before its origin: no lag to count
    GROUP BY ao.outlet, ao.origin_agency, ao.origin_url
)
SELECT outlet, origin_agency, count(*) AS copies,
       round(median(hours), 1) AS median_hours,
       round(quantile_cont(hours, 0.9), 1) AS p90_hours,
       round(min(hours), 1) AS fastest_hours
FROM first_copies
GROUP BY ALL
ORDER BY copies DESC, outlet;
