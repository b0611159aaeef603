-- agency_edges: one row per (outlet, origin agency) pair: how many of the outlet's articles trace back to
-- that agency, and how many of those name it. An agency's own stories (credit_status 'self') are left out.
-- A direct copy naming another agency ("Source: Reuters" on TASS's text) counts as uncredited.
--   outlet                outlet that published the articles
--   outlet_kind           'outlet', or 'agency' when one agency runs another's copy
--   agency                canonical name of the agency at the root of the articles' chains
--   agency_state          true when the agency is state-affiliated (data/agencies.toml), null if unknown
--   articles              articles of the outlet whose origin is the agency (the edge's weight)
--   credited              of those, articles that name the origin agency
--   credits_intermediary  articles that name only the outlet they took the story from
--   uncredited            articles crediting neither the origin nor a source on the way
--   unknown               articles with no credit status
--   credited_share        credited / articles (0..1)
WITH agency_state AS (
    SELECT agency, bool_or(state_affiliated) AS agency_state
    FROM outlets WHERE kind = 'agency' AND agency IS NOT NULL
    GROUP BY agency
),
outlet_kind AS (
    SELECT name AS outlet, any_value(kind) AS outlet_kind FROM outlets GROUP BY name
)
SELECT ao.outlet,
       coalesce(k.outlet_kind, 'outlet')                                  AS outlet_kind,
       ao.origin_agency                                                   AS agency,
       s.agency_state,
       count(*)                                                           AS articles,
       count(*) FILTER (WHERE ao.credit_status = 'credited')              AS credited,
       count(*) FILTER (WHERE ao.credit_status = 'credits_intermediary')  AS credits_intermediary,
       count(*) FILTER (WHERE ao.credit_status = 'uncredited')            AS uncredited,
       count(*) FILTER (WHERE ao.credit_status IS NULL)                   AS unknown,
       round(count(*) FILTER (WHERE ao.credit_status = 'credited') / count(*), 4) AS credited_share
FROM article_origins ao
LEFT JOIN outlet_kind k USING (outlet)
LEFT JOIN agency_state s ON s.agency = ao.origin_agency
WHERE ao.origin_agency IS NOT NULL
  AND ao.credit_status IS DISTINCT FROM 'self'
GROUP BY ALL
ORDER BY articles DESC, ao.outlet, agency;
