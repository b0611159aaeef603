-- Every older version of the URLs of the versions in wanted_ids: their postings leave the index, so
-- that a page is never found as a copy of its own earlier text (two versions may be stored between
-- links, and only the latest is judged).
SELECT o.article_id
FROM articles o
JOIN articles w ON w.url = o.url AND o.version < w.version
JOIN wanted_ids i ON i.article_id = w.article_id
