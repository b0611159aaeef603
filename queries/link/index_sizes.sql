-- Tokens and indexed fingerprints of judged articles (in wanted_ids), read before they are judged
-- again: unjudging forgets their link_state row, and the new one must carry the same sizes
-- (later_neighbours.sql compares shared fingerprints with n_fps).
SELECT s.article_id, s.n_tokens, s.n_fps FROM link_state s JOIN wanted_ids USING (article_id)
