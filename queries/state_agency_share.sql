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
),
per_agency AS (
    SELECT outlet, origin_agency, state_affiliated, count(*) AS n FROM joined GROUP BY ALL
)
SELECT outlet, sum(n)::BIGINT AS articles,
       coalesce(sum(n) FILTER (WHERE origin_agency IS NOT NULL), 0)::BIGINT AS agency_copy,
       coalesce(sum(n) FILTER (WHERE state_affiliated), 0)::BIGINT AS state_agency_copy,
       round(coalesce(sum(n) FILTER (WHERE state_affiliated), 0) / sum(n), 3) AS state_share,
       string_agg(origin_agency, ', ' ORDER BY n DESC, origin_agency) FILTER (WHERE state_affiliated)
           AS state_agencies
FROM per_agency
GROUP BY outlet
ORDER BY state_share DESC, articles DESC, outlet;
