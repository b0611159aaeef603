-- The newest stored version of each URL in the list given (?: VARCHAR[]): url, version, text_hash,
-- article_id. A text whose hash equals its URL's latest is unchanged; another is the next version.
SELECT url, version, text_hash, article_id
FROM articles
WHERE url IN (SELECT unnest(?::VARCHAR[]))
QUALIFY row_number() OVER (PARTITION BY url ORDER BY version DESC) = 1
