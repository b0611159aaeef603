-- credit_honesty: one row per (outlet, origin agency): how often the outlet says so when it runs that agency's copy.
--   outlet            the publishing outlet
--   origin_agency     the agency at the root of the chain
--   articles          the outlet's articles whose origin is that agency (the agency's own stories excluded)
--   credited          of those, how many name the agency (credit_status = 'credited')
--   via_intermediary  how many credit only an intermediary (credits_intermediary)
--   uncredited        how many reuse the agency's text crediting neither it nor a source on the way (a
--                     direct copy naming another agency is one)
--   credited_share    credited / articles
--   uncredited_share  uncredited / articles
-- The shares lean towards credit: a copy whose agency original was not collected is found by its
-- credit alone (evidence 'credit', always credited), an uncredited one only through the original's text.
-- For a fair share, count only copies found by text: article_origins where evidence <> 'credit'.
SELECT outlet,
       origin_agency,
       count(*)                                                        AS articles,
       count(*) FILTER (WHERE credit_status = 'credited')              AS credited,
       count(*) FILTER (WHERE credit_status = 'credits_intermediary')  AS via_intermediary,
       count(*) FILTER (WHERE credit_status = 'uncredited')            AS uncredited,
       round(count(*) FILTER (WHERE credit_status = 'credited') / count(*), 3)   AS credited_share,
       round(count(*) FILTER (WHERE credit_status = 'uncredited') / count(*), 3) AS uncredited_share
FROM article_origins
WHERE origin_agency IS NOT NULL AND credit_status IS DISTINCT FROM 'self'
GROUP BY ALL
ORDER BY articles DESC, outlet, origin_agency;
