-- credits: one row per (article, agency, role): an explicit attribution found on the page. An agency
-- named in several roles keeps its strongest (origin > contributor > cited > photo): the AFP photo
-- credit of an AFP story is not a row of its own. The mark every page on an agency's own registered
-- domain gets (cue 'own site <domain>': pipelines.credits.OWN_SITE_CUE; kept in article_credits for
-- the link stage) is its address, not an attribution: it is no row here. Its own dateline ('/TASS/'),
-- byline or metadata naming the agency are rows: to count other outlets' pages crediting an agency,
-- join article_origins and leave out credit_status 'self'. A canonical URL on an agency's site (cue
-- 'canonical <domain>') is the page's own word: a row.
--   article_url  the article (latest version of its URL)
--   agency       canonical agency name (data/agencies.toml)
--   role         origin (the article is that agency's copy), contributor (it supplied part),
--                cited (named as the source of a statement), photo (image credit only)
--   cue          the text that decided it, e.g. 'Via: Sputnik News Agency'
--   location     where the cue was: dateline, byline, body, footer, caption, metadata
CREATE OR REPLACE VIEW credits AS
WITH latest AS (
    SELECT article_id, url FROM articles
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY version DESC) = 1
)
SELECT l.url AS article_url, c.agency, c.role, c.cue, c.location
FROM article_credits c
JOIN latest l USING (article_id)
WHERE c.cue IS NULL OR NOT starts_with(c.cue, 'own site ');
