-- demo/summary: one row per demo article: where provtrack says its story came from.
SELECT outlet,
       regexp_extract(article_url, '[^/]+$') AS article,
       strftime(published_at, '%m-%d %H:%M') AS published,
       coalesce(origin_agency, '-') AS origin_agency,
       hops,
       derivation,
       round(reuse_score, 2) AS reuse,
       coalesce(credit_status, '-') AS credit_status,
       coalesce(evidence, '-') AS evidence
FROM article_origins
ORDER BY published_at, outlet;
