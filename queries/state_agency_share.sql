-- state_agency_share: one row per outlet: the share of its articles that come from state-affiliated agencies.
--   outlet              the publishing outlet (agencies' own sites excluded)
--   articles            all its articles
--   agency_copy         articles whose origin is any agency
--   state_agency_copy   articles whose origin is a state-affiliated agency (data/agencies.toml)
--   state_share         state_agency_copy / articles
--   state_agencies      which state-affiliated agencies, most frequent first
WITH joined AS (
    SELECT ao.outlet, ao.origin_agency, ag.state_affiliated
    FROM article_origins ao
    JOIN outlets o ON o.name = ao.outlet
    LEFT JOIN outlets ag ON ag.kind = 'agency' AND ag.agency = ao.origin_agency
    WHERE o.kind <> 'agency'
)
SELECT outlet, count(*) AS articles,
       count(origin_agency) AS agency_copy,
       count(*) FILTER (WHERE state_affiliated) AS state_agency_copy,
       round(count(*) FILTER (WHERE state_affiliated) / count(*), 3) AS state_share,
       string_agg(DISTINCT origin_agency, ', ') FILTER (WHERE state_affiliated) AS state_agencies
FROM joined
GROUP BY outlet
ORDER BY state_share DESC, articles DESC, outlet;
