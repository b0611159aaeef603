-- explain/reuse: the verified text reuse between an article (target) and its immediate source.
SELECT r.containment, r.longest_run, r.order_score, r.derivation, r.spans, t.text AS target_text, s.text AS source_text
FROM reuse_links r
JOIN articles t ON t.article_id = r.target_id
JOIN articles s ON s.article_id = r.source_id
WHERE r.target_id = $target_id AND r.source_id = (SELECT source_id FROM chains WHERE article_id = $target_id);
