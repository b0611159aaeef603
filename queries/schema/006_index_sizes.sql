-- 006 index sizes: link_state.n_fps again counts the fingerprints an article put in the index.

-- Before 2026-12-06 an article judged again because its source arrived late was stored with n_fps 0,
-- which made any single shared fingerprint mark it as a later neighbour of every new batch (extra work
-- each night, never a wrong verdict). Its postings were kept, so they give the count back. Its
-- n_tokens is left as it was: the alignment's count of its tokens, or 0 when nothing aligned.
UPDATE link_state SET n_fps = p.n
FROM (
    SELECT article_id, count(*) AS n
    FROM link_postings
    WHERE article_id IN (SELECT article_id FROM link_state WHERE n_fps = 0)
    GROUP BY article_id
) AS p
WHERE link_state.article_id = p.article_id AND link_state.n_fps = 0;
