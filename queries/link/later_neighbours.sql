-- Judged versions that may have copied a text of the batch (wanted_ids) published before them: (target_id,
-- other_id) pairs where the other is outside the batch, stamped no earlier than $lead_s before the batch
-- text nor later than $window_s after it, and shares enough fingerprints that count for the batch text
-- (as in candidates.sql) by the measure of the other's own size: a short copy of a long text shares
-- few of the long text's fingerprints but many of its own. A net: link.py judges each from the
-- other's side, by candidates.sql itself.
WITH q AS (
    SELECT p.fp, p.article_id, p.t FROM link_postings p JOIN wanted_ids USING (article_id)
),
df AS (
    SELECT fp, count(*) AS df FROM link_postings WHERE fp IN (SELECT fp FROM q) GROUP BY fp
),
q_df AS (
    SELECT q.fp, q.article_id, q.t, df.df FROM q JOIN df USING (fp) WHERE df.df <= $max_df
),
per_target AS (
    SELECT article_id,
           count(*) FILTER (WHERE df > $rare_df) >= $common_share * count(*) AS syndicated
    FROM q_df GROUP BY article_id
),
probe AS (
    SELECT q_df.fp, q_df.article_id, q_df.t
    FROM q_df JOIN per_target USING (article_id)
    WHERE q_df.df <= $rare_df OR per_target.syndicated
)
SELECT q.article_id AS target_id, p.article_id AS other_id
FROM probe q
JOIN link_postings p ON p.fp = q.fp
JOIN link_state s ON s.article_id = p.article_id
WHERE p.article_id NOT IN (SELECT article_id FROM wanted_ids)
  AND p.t BETWEEN q.t - to_seconds($lead_s) AND q.t + to_seconds($window_s)
GROUP BY q.article_id, p.article_id, s.n_fps
-- as candidates.sql asks of the other as a target, its own fingerprint count the measure
HAVING count(*) >= $min_est * s.n_fps AND (count(*) >= $min_shared OR s.n_fps < $short_fps)
