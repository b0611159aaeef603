-- How many latest versions of each URL the link stage has not judged yet (the batch unlinked.sql
-- lists): until `provtrack link` runs, their article_origins rows are only what their pages credit.
-- An older version's verdict does not count for the latest one.
SELECT count(*) AS unlinked
FROM articles a
WHERE a.article_id NOT IN (SELECT article_id FROM link_state)
  AND NOT EXISTS (SELECT 1 FROM articles newer WHERE newer.url = a.url AND newer.version > a.version)
