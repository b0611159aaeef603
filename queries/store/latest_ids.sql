-- The article_id of the latest stored version of each URL in the list given (?: VARCHAR[]).
SELECT url, arg_max(article_id, version) AS article_id
FROM articles
WHERE url IN (SELECT unnest(?::VARCHAR[]))
GROUP BY url
