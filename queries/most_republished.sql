-- most_republished: one row per origin article, the 100 copied most widely (directly or through intermediaries).
--   origin_url      the earliest article of the chain
--   origin_outlet   who published it
--   origin_agency   the origin article's own agency: its agency's, or the agency it credits (null for
--                   an outlet's original, whatever its copies credit)
--   title           its title (its latest version's)
--   copies          copies whose chain leads back to it (not its agency's own follow-up stories), an
--                   outlet's counted once, at its first: a repost under a second URL is no further copy
--   outlets         distinct outlets among those copies (as each counts once, the same number as copies)
--   uncredited      copies crediting neither the origin nor a source on the way (credit_status uncredited)
--   max_hops        the longest chain seen
-- Every origin, not only the first 100: the same SELECT without its LIMIT, through `provtrack query "..."`.
WITH first_copies AS (  -- one row per (origin, outlet): the outlet's first copy of that origin
    SELECT * FROM article_origins
    WHERE origin_url IS NOT NULL AND article_url <> origin_url AND credit_status IS DISTINCT FROM 'self'
    QUALIFY row_number() OVER (PARTITION BY origin_url, outlet ORDER BY published_at NULLS LAST, hops, article_url) = 1
)
SELECT ao.origin_url, org.outlet AS origin_outlet, org.origin_agency,
       any_value(a.title) AS title, count(*) AS copies, count(DISTINCT ao.outlet) AS outlets,
       count(*) FILTER (WHERE ao.credit_status = 'uncredited') AS uncredited, max(ao.hops) AS max_hops
FROM first_copies ao
JOIN article_origins org ON org.article_url = ao.origin_url
LEFT JOIN (SELECT url, arg_max(title, version) AS title FROM articles GROUP BY url) a ON a.url = ao.origin_url
GROUP BY ao.origin_url, org.outlet, org.origin_agency
ORDER BY copies DESC, outlets DESC, ao.origin_url
LIMIT 100;
