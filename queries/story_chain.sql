-- story_chain: one row per article in the chain of one URL, from the article back to its origin.
--   step           0 for the article itself, 1 for its immediate source, ...
--   article_url    the article at this step
--   outlet, published_at, origin_agency, hops, derivation, reuse_score, credit_status, evidence: as in article_origins
-- Parameters: $url, the article to start from (through provtrack query or the Python API, looked up
--             as `provtrack explain` does: tracking parameters and fragment dropped, either scheme,
--             with or without "www." and a trailing slash; in DuckDB itself, give it as stored).
WITH RECURSIVE chain(step, article_url) AS (
    SELECT 0, $url
    UNION ALL
    SELECT chain.step + 1, ao.source_url
    FROM chain JOIN article_origins ao ON ao.article_url = chain.article_url
    WHERE ao.source_url IS NOT NULL AND chain.step < 20
)
SELECT chain.step, ao.article_url, ao.outlet, ao.published_at, ao.origin_agency, ao.hops,
       ao.derivation, round(ao.reuse_score, 3) AS reuse_score, ao.credit_status, ao.evidence
FROM chain JOIN article_origins ao USING (article_url)
ORDER BY chain.step;
