-- Replace the verdicts of the targets in new_chains / new_links / new_state (registered relations).
DELETE FROM reuse_links WHERE target_id IN (SELECT article_id FROM new_state);
DELETE FROM chains WHERE article_id IN (SELECT article_id FROM new_state);
DELETE FROM link_state WHERE article_id IN (SELECT article_id FROM new_state);
INSERT INTO reuse_links (target_id, source_id, containment, longest_run, order_score, derivation, spans, run_id)
    SELECT target_id, source_id, containment, longest_run, order_score, derivation, spans::JSON, run_id FROM new_links;
INSERT INTO chains (article_id, source_id, origin_id, origin_agency, hops, derivation, reuse_score,
                    credit_status, evidence, cluster_id, run_id)
    SELECT article_id, source_id, origin_id, origin_agency, hops, derivation, reuse_score,
           credit_status, evidence, cluster_id, run_id FROM new_chains;
INSERT INTO link_state SELECT article_id, n_tokens, n_fps, scheme, linked_at, run_id FROM new_state;
