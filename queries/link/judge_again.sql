-- An article whose publication time changed after link judged it ($1 = its article_id): it, and every
-- article judged a copy of it, go back to the next link's batch (who copied whom may have turned round).
DELETE FROM link_state
WHERE article_id = $1
   OR article_id IN (SELECT target_id FROM reuse_links WHERE source_id = $1);
