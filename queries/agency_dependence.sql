-- agency_dependence: one row per (outlet, week, origin agency): how much of an outlet's output that week came from that agency.
--   outlet         the publishing outlet (an agency's own stories are left out; an agency running
--                  another agency's copy depends on it like any outlet)
--   week           Monday of the ISO week of publication
--   origin_agency  the agency at the root of the chain
--   articles       the outlet's articles that week with that origin
--   outlet_total   all the outlet's articles that week
--   share          articles / outlet_total
-- Articles without a publication time are left out (they have no week), while credit_honesty and
-- state_agency_share count them: find them in article_origins where published_at is null.
WITH dated AS (
    SELECT outlet, date_trunc('week', published_at)::DATE AS week, origin_agency, credit_status
    FROM article_origins
    WHERE published_at IS NOT NULL
),
totals AS (
    SELECT outlet, week, count(*) AS outlet_total FROM dated GROUP BY ALL
)
SELECT d.outlet, d.week, d.origin_agency, count(*) AS articles, t.outlet_total,
       round(count(*) / t.outlet_total, 3) AS share
FROM dated d JOIN totals t USING (outlet, week)
WHERE d.origin_agency IS NOT NULL AND d.credit_status IS DISTINCT FROM 'self'
GROUP BY d.outlet, d.week, d.origin_agency, t.outlet_total
ORDER BY d.week, d.outlet, articles DESC;
