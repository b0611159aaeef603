-- Candidate pairs for the targets in wanted_ids(article_id): other indexed versions sharing at least
-- $min_shared fingerprints, and at least $min_est of the target's fingerprints (an estimate of how
-- much of the target the other text explains), within $window_s seconds either way (direction is
-- decided in Python). Fingerprints held by more than $max_df versions (boilerplate, stock phrases)
-- are ignored.
WITH q AS (
    SELECT p.fp, p.article_id, p.t FROM link_postings p JOIN wanted_ids USING (article_id)
),
n_q AS (
    SELECT article_id, count(*) AS n_fps FROM q GROUP BY article_id
),
df AS (
    SELECT fp FROM link_postings WHERE fp IN (SELECT fp FROM q) GROUP BY fp HAVING count(*) <= $max_df
),
shared AS (
    SELECT q.article_id AS target_id, p.article_id AS other_id, count(*) AS shared
    FROM q
    JOIN df USING (fp)
    JOIN link_postings p ON p.fp = q.fp
    WHERE p.article_id <> q.article_id
      AND p.t BETWEEN q.t - to_seconds($window_s) AND q.t + to_seconds($window_s)
    GROUP BY ALL
    HAVING count(*) >= $min_shared
)
SELECT s.target_id, s.other_id, s.shared
FROM shared s JOIN n_q ON n_q.article_id = s.target_id
WHERE s.shared >= $min_est * n_q.n_fps
