-- Every article whose stored chain runs through one in wanted_ids (its copies, their copies, ...):
-- judged again with them, as their origin, agency and hops were copied from the chain above. Only
-- latest versions: a superseded version's old verdict is no one's answer.
WITH RECURSIVE below(article_id) AS (
    SELECT article_id FROM wanted_ids
    UNION
    SELECT c.article_id FROM chains c JOIN below b ON c.source_id = b.article_id
)
SELECT b.article_id
FROM below b
JOIN articles a USING (article_id)
WHERE NOT EXISTS (SELECT 1 FROM articles n WHERE n.url = a.url AND n.version > a.version)
