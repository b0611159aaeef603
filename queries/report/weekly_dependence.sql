-- weekly_dependence: one row per (outlet, week, origin agency): the share of the outlet's articles that
-- week whose chain starts at that agency. Articles without a publication time are left out.
--   outlet           outlet that published the articles
--   outlet_kind      'outlet', or 'agency' for an agency's own site
--   week             Monday of the ISO week (UTC)
--   origin_agency    agency at the root of the articles' chains; null: no agency origin found
--   articles         the outlet's articles that week with this origin agency
--   outlet_articles  all of the outlet's articles that week
--   share            articles / outlet_articles (0..1)
WITH dated AS (
    SELECT outlet, CAST(date_trunc('week', published_at) AS DATE) AS week, origin_agency
    FROM article_origins
    WHERE published_at IS NOT NULL
),
outlet_kind AS (
    SELECT name AS outlet, any_value(kind) AS outlet_kind FROM outlets GROUP BY name
)
SELECT d.outlet,
       coalesce(k.outlet_kind, 'outlet')                                  AS outlet_kind,
       d.week,
       d.origin_agency,
       count(*)                                                           AS articles,
       CAST(sum(count(*)) OVER (PARTITION BY d.outlet, d.week) AS BIGINT) AS outlet_articles,
       round(count(*) / sum(count(*)) OVER (PARTITION BY d.outlet, d.week), 4) AS share
FROM dated d
LEFT JOIN outlet_kind k USING (outlet)
GROUP BY d.outlet, k.outlet_kind, d.week, d.origin_agency
ORDER BY d.outlet, d.week, articles DESC, d.origin_agency NULLS LAST;
