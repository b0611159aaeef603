-- Judged versions that may have copied a text of the batch (wanted_ids) published before them: (target_id,
-- other_id) pairs where the other is outside the batch, stamped no earlier than $lead_s before the batch
-- text nor later than $window_s after it, and shares enough fingerprints that count for the other as a
-- target (as in candidates.sql) by the measure of the other's own size: a short copy of a long text shares
-- few of the long text's fingerprints but many of its own. A net: link.py judges each from the
-- other's side, by candidates.sql itself.
-- Whether a common fingerprint ($rare_df < df <= $max_df) counts is decided by the OTHER's share of common
-- fingerprints, as candidates.sql decides it for a target: gating it by the batch text's share missed a
-- short syndicated copy of a long agency text that arrived late (all they share is common).
WITH q AS (
    SELECT p.fp, p.article_id, p.t FROM link_postings p JOIN wanted_ids USING (article_id)
),
df AS (
    SELECT fp, count(*) AS df FROM link_postings WHERE fp IN (SELECT fp FROM q) GROUP BY fp
),
q_df AS (
    SELECT q.fp, q.article_id, q.t, df.df FROM q JOIN df USING (fp) WHERE df.df <= $max_df
),
hits AS (
    SELECT q.article_id AS target_id, p.article_id AS other_id, s.n_fps,
           count(*) AS shared_any, count(*) FILTER (WHERE q.df <= $rare_df) AS shared_rare
    FROM q_df q
    JOIN link_postings p ON p.fp = q.fp
    JOIN link_state s ON s.article_id = p.article_id
    WHERE p.article_id NOT IN (SELECT article_id FROM wanted_ids)
      AND p.t BETWEEN q.t - to_seconds($lead_s) AND q.t + to_seconds($window_s)
    GROUP BY ALL
),
-- the others' own fingerprints with their df, for those whose common ones would decide
o AS (
    SELECT p.fp, p.article_id FROM link_postings p
    WHERE p.article_id IN (SELECT other_id FROM hits WHERE shared_any > shared_rare)
),
o_df AS (
    SELECT fp, count(*) AS df FROM link_postings WHERE fp IN (SELECT fp FROM o) GROUP BY fp
),
syndicated AS (
    SELECT o.article_id,
           count(*) FILTER (WHERE df > $rare_df AND df <= $max_df)
               >= $common_share * count(*) FILTER (WHERE df <= $max_df) AS syndicated
    FROM o JOIN o_df USING (fp) GROUP BY o.article_id
),
counted AS (
    SELECT h.target_id, h.other_id, h.n_fps,
           CASE WHEN coalesce(y.syndicated, false) THEN h.shared_any ELSE h.shared_rare END AS shared
    FROM hits h LEFT JOIN syndicated y ON y.article_id = h.other_id
)
SELECT target_id, other_id
FROM counted
-- as candidates.sql asks of the other as a target, its own fingerprint count the measure
WHERE shared >= 1 AND shared >= $min_est * n_fps AND (shared >= $min_shared OR n_fps < $short_fps)
