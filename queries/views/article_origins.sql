-- article_origins: one row per article (the latest version of each URL): where its story came from.
--   article_url    the article
--   outlet         outlet that published it
--   published_at   best publication time (UTC): the earliest of the URL's versions, as the linker
--                  places it (an update restamped later still appeared when its first version did)
--   source_url     immediate source article (first hop), null if none found
--   origin_url     earliest article of the chain found in the database: the article itself when it is
--                  an original (hops 0); null for a copy known only from its credit (the original is
--                  not stored); the credited copy itself for a copy of that copy
--   origin_agency  canonical agency name at the root of the chain (from text or credit), null if none
--   hops           0 original, 1 direct copy, 2+ through intermediaries
--   derivation     wholly / partially / none, relative to the immediate source
--   reuse_score    share (0..1) of the article's text aligned to its immediate source
--   credit_status  credited (names the origin: its agency as origin or contributor, or as the source
--                  of a statement in words of its own, not carried over from the text it copied; or the
--                  outlet whose own story it is), credits_intermediary (names a source on the way: the
--                  outlet it copied, or further down a chain another agency), uncredited (names none of
--                  them; a direct copy naming another agency), self (an agency's own story, or an
--                  outlet's own story run again), null
--   evidence       credit, text, credit+text, null
-- Before `provtrack link` has judged an article, the page's own origin credit decides (evidence
-- 'credit', hops 1), and any other article is its own origin (hops 0, origin_url itself; credit_status
-- 'self' on an agency's site): what the link stage concludes for an article without a text source.
-- Who copied whom: the earlier wins, ties to the agency; an outlet page dated by day only (a date
-- with no time, stored at midnight UTC) counts as later than the wire stories of its day (and its timed
-- pages, but one naming it as its source, which finds it just before it); a page
-- naming the other as where its story came from is never the other's source, and an agency story is
-- placed before a copy crediting it that a clock up to 14 h off stamped earlier (pipelines/chains.py).
CREATE OR REPLACE VIEW article_origins AS
WITH latest AS (
    SELECT * REPLACE (min(published_at) OVER (PARTITION BY url) AS published_at) FROM articles
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY version DESC) = 1
),
origin_credit AS (
    -- the agency the page names as its origin (or contributor; on an agency's own site, origin only),
    -- not its own: credit_rank decides between several, as pipelines.chains.own_origin_credit does
    SELECT c.article_id, arg_min(c.agency, (credit_rank(c.role, c.location), c.agency)) AS agency
    FROM article_credits c
    JOIN latest l USING (article_id)
    JOIN outlets o USING (outlet_id)
    WHERE (c.role = 'origin' OR (c.role = 'contributor' AND o.kind <> 'agency'))
      AND c.agency IS DISTINCT FROM o.agency
    GROUP BY c.article_id
),
unlinked AS (
    SELECT l.article_id,
           coalesce(oc.agency, CASE WHEN o.kind = 'agency' THEN o.agency END) AS origin_agency,
           CASE WHEN oc.agency IS NOT NULL THEN 'copy' WHEN o.kind = 'agency' THEN 'self' END AS kind
    FROM latest l
    JOIN outlets o USING (outlet_id)
    LEFT JOIN origin_credit oc USING (article_id)
)
SELECT
    l.url                                                     AS article_url,
    o.name                                                    AS outlet,
    l.published_at,
    src.url                                                   AS source_url,
    CASE WHEN c.article_id IS NOT NULL THEN org.url
         WHEN u.kind IS DISTINCT FROM 'copy' THEN l.url END   AS origin_url,
    CASE WHEN c.article_id IS NOT NULL THEN c.origin_agency
         ELSE u.origin_agency END                             AS origin_agency,
    coalesce(c.hops, CASE u.kind WHEN 'copy' THEN 1 ELSE 0 END) AS hops,
    coalesce(c.derivation, 'none')                            AS derivation,
    c.reuse_score,
    CASE WHEN c.article_id IS NOT NULL THEN c.credit_status
         WHEN u.kind = 'copy' THEN 'credited'
         WHEN u.kind = 'self' THEN 'self' END                 AS credit_status,
    CASE WHEN c.article_id IS NOT NULL THEN c.evidence
         WHEN u.kind = 'copy' THEN 'credit' END               AS evidence
FROM latest l
JOIN outlets o USING (outlet_id)
JOIN unlinked u USING (article_id)
LEFT JOIN chains c USING (article_id)
LEFT JOIN articles src ON src.article_id = c.source_id
LEFT JOIN articles org ON org.article_id = c.origin_id;
