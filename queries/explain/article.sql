-- explain/article: the article_origins row of one article, with its title and outlet kind.
SELECT ao.*, a.title, a.article_id, o.kind AS outlet_kind
FROM article_origins ao
JOIN articles a ON a.url = ao.article_url
JOIN outlets o ON o.outlet_id = a.outlet_id
WHERE ao.article_url = $url
QUALIFY row_number() OVER (ORDER BY a.version DESC) = 1;
