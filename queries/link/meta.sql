-- Time (the URL's earliest, as unlinked.sql gives it), agency flag, origin/contributor credits (best first), cited agencies with their cues, and outlet
-- names of the versions in wanted_ids.
--   cited: (agency, cue) the page names as the source of a statement ("…, TASS reported.")
--   outlet_names: the outlet's name, aliases and domain, lower-cased (to spot "Source: <outlet>").
--   legacy_dates: stored before 2026-12-06, when local midnights were stored converted (005_legacy_dates).
WITH cr AS (
    -- in credit_rank order: the first one not of the article's own agency names its origin
    SELECT c.article_id,
           list(struct_pack(agency := c.agency, role := c.role)
                ORDER BY credit_rank(c.role, c.location), c.agency) AS credits
    FROM article_credits c JOIN wanted_ids USING (article_id)
    WHERE c.role IN ('origin', 'contributor')
    GROUP BY ALL
),
cit AS (
    SELECT c.article_id, list(struct_pack(agency := c.agency, cue := c.cue) ORDER BY c.agency) AS cited
    FROM article_credits c JOIN wanted_ids USING (article_id)
    WHERE c.role = 'cited'
    GROUP BY ALL
),
first_t AS (
    SELECT v.url, min(coalesce(v.published_at, v.first_seen_at)) AS t
    FROM articles v
    WHERE v.url IN (SELECT a.url FROM articles a JOIN wanted_ids USING (article_id))
    GROUP BY v.url
),
names AS (
    SELECT outlet_id, list(DISTINCT n ORDER BY n) AS outlet_names FROM (
        SELECT outlet_id, lower(name) AS n FROM outlets
        UNION ALL SELECT outlet_id, lower(domain) FROM outlets WHERE domain IS NOT NULL
        UNION ALL SELECT outlet_id, lower(alias) FROM outlet_aliases
        UNION ALL SELECT outlet_id, lower(domain) FROM outlet_domains
    ) GROUP BY outlet_id
)
SELECT a.article_id, first_t.t, o.kind = 'agency' AS is_agency, o.agency,
       cr.credits, names.outlet_names, cit.cited,
       a.run_id <= (SELECT max(last_run) FROM legacy_dates) AS legacy_dates
FROM articles a
JOIN wanted_ids USING (article_id)
JOIN outlets o USING (outlet_id)
JOIN first_t USING (url)
LEFT JOIN cr USING (article_id)
LEFT JOIN cit USING (article_id)
LEFT JOIN names USING (outlet_id)
