-- Text of the article versions listed in the registered relation wanted_ids(article_id).
SELECT a.article_id, a.text FROM articles a JOIN wanted_ids USING (article_id)
