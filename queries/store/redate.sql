-- Versions whose publication time moved (temp table redated: article_id, published_at) take it, and
-- go back to the next link's batch with every article judged a copy of them: who copied whom may
-- have turned round.
UPDATE articles SET published_at = r.published_at
FROM redated AS r
WHERE articles.article_id = r.article_id;

DELETE FROM link_state
WHERE article_id IN (SELECT article_id FROM redated)
   OR article_id IN (SELECT target_id FROM reuse_links WHERE source_id IN (SELECT article_id FROM redated));
