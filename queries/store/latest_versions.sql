-- The newest stored version of each URL in the list given (?: VARCHAR[]): url, version, text_hash,
-- article_id and its credits as sorted 'agency/role' strings. A page whose text and credits both
-- equal its URL's latest is unchanged; another is the next version (a credit line added below the
-- article after publication changes no text).
WITH latest AS (
    SELECT url, version, text_hash, article_id
    FROM articles
    WHERE url IN (SELECT unnest(?::VARCHAR[]))
    QUALIFY row_number() OVER (PARTITION BY url ORDER BY version DESC) = 1
)
SELECT l.url, l.version, l.text_hash, l.article_id,
       coalesce(list(DISTINCT c.agency || '/' || c.role ORDER BY c.agency || '/' || c.role)
                FILTER (WHERE c.agency IS NOT NULL), []) AS credits
FROM latest l
LEFT JOIN article_credits c USING (article_id)
GROUP BY ALL
