-- article_origins: one row per article (the latest version of each URL): where its story came from.
--   article_url    the article
--   outlet         outlet that published it
--   published_at   best publication time (UTC)
--   source_url     immediate source article (first hop), null if none found
--   origin_url     earliest article of the chain found in the database, null if none
--   origin_agency  canonical agency name at the root of the chain (from text or credit), null if none
--   hops           0 original, 1 direct copy, 2+ through intermediaries
--   derivation     wholly / partially / none, relative to the immediate source
--   reuse_score    share (0..1) of the article's text aligned to its immediate source
--   credit_status  credited (names the origin), credits_intermediary, uncredited, self (agency's own story), null
--   evidence       credit, text, credit+text, null
-- Before `provtrack link` has judged an article, the page's own origin credit decides (evidence
-- 'credit', hops 1), and an agency's own article is its own origin (credit_status 'self', hops 0).
CREATE OR REPLACE VIEW article_origins AS
WITH latest AS (
    SELECT * FROM articles
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY version DESC) = 1
),
origin_credit AS (
    -- one origin credit per article; a dateline or byline outranks a footer line or metadata
    SELECT article_id,
           arg_min(agency, CASE location WHEN 'dateline' THEN 1 WHEN 'byline' THEN 2 WHEN 'footer' THEN 3
                                         WHEN 'body' THEN 4 WHEN 'metadata' THEN 5 ELSE 6 END) AS agency
    FROM article_credits
    WHERE role = 'origin'
    GROUP BY article_id
),
unlinked AS (
    SELECT l.article_id,
           CASE WHEN oc.agency IS NOT NULL AND oc.agency IS DISTINCT FROM o.agency THEN oc.agency
                WHEN o.kind = 'agency' THEN o.agency END AS origin_agency,
           CASE WHEN oc.agency IS NOT NULL AND oc.agency IS DISTINCT FROM o.agency THEN 'copy'
                WHEN o.kind = 'agency' THEN 'self' END AS kind
    FROM latest l
    JOIN outlets o USING (outlet_id)
    LEFT JOIN origin_credit oc USING (article_id)
)
SELECT
    l.url                                                     AS article_url,
    o.name                                                    AS outlet,
    l.published_at,
    src.url                                                   AS source_url,
    org.url                                                   AS origin_url,
    coalesce(c.origin_agency, u.origin_agency)                AS origin_agency,
    coalesce(c.hops, CASE u.kind WHEN 'copy' THEN 1 ELSE 0 END) AS hops,
    coalesce(c.derivation, 'none')                            AS derivation,
    c.reuse_score,
    CASE WHEN c.article_id IS NOT NULL THEN c.credit_status
         WHEN u.kind = 'copy' THEN 'credited'
         WHEN u.kind = 'self' THEN 'self' END                 AS credit_status,
    CASE WHEN c.article_id IS NOT NULL THEN c.evidence
         WHEN u.kind IS NOT NULL THEN 'credit' END            AS evidence
FROM latest l
JOIN outlets o USING (outlet_id)
JOIN unlinked u USING (article_id)
LEFT JOIN chains c USING (article_id)
LEFT JOIN articles src ON src.article_id = c.source_id
LEFT JOIN articles org ON org.article_id = c.origin_id;
