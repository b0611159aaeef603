-- Candidate pairs for the targets in wanted_ids(article_id): other indexed versions sharing at least
-- $min_shared fingerprints (one rare one is enough for a short target, under $short_fps fingerprints,
-- about 4 x $short_fps words), and at least $min_est of the target's fingerprints (an estimate of how much
-- of the target the other text explains), within $window_s seconds either way (direction is decided
-- in Python).
--
-- Which fingerprints count depends on their document frequency (df: versions holding them). As the
-- corpus grows, stock phrases climb past $max_df and drop out; a story's own phrases stay rare:
--   * rare ones (df <= $rare_df) count for every target;
--   * common ones ($rare_df < df <= $max_df) count only for targets made in good part ($common_share or
--     more of their non-boilerplate fingerprints) of common ones: copies of a story syndicated more
--     than $rare_df times. For any other target they are stock phrases, which point nowhere and
--     cost df^2 pairs each (at 100k synthetic articles: 95% of the join for 30% of the postings);
--   * fingerprints in more than $max_df versions are boilerplate and never count.
WITH q AS (
    SELECT p.fp, p.article_id, p.t FROM link_postings p JOIN wanted_ids USING (article_id)
),
df AS (
    SELECT fp, count(*) AS df FROM link_postings WHERE fp IN (SELECT fp FROM q) GROUP BY fp
),
q_df AS (
    SELECT q.fp, q.article_id, q.t, df.df FROM q JOIN df USING (fp)
),
per_target AS (
    SELECT article_id,
           count(*) AS n_fps,
           count(*) FILTER (WHERE df > $rare_df AND df <= $max_df)
               >= $common_share * count(*) FILTER (WHERE df <= $max_df) AS syndicated
    FROM q_df GROUP BY article_id
),
probe AS (
    SELECT q_df.fp, q_df.article_id, q_df.t, q_df.df
    FROM q_df JOIN per_target USING (article_id)
    WHERE q_df.df <= $rare_df OR (per_target.syndicated AND q_df.df <= $max_df)
),
shared AS (
    SELECT q.article_id AS target_id, p.article_id AS other_id, count(*) AS shared,
           count(*) FILTER (WHERE q.df <= $rare_df) AS shared_rare
    FROM probe q
    JOIN link_postings p ON p.fp = q.fp
    WHERE p.article_id <> q.article_id
      AND p.t BETWEEN q.t - to_seconds($window_s) AND q.t + to_seconds($window_s)
    GROUP BY ALL
)
SELECT s.target_id, s.other_id, s.shared
FROM shared s JOIN per_target n ON n.article_id = s.target_id
WHERE s.shared >= $min_est * n.n_fps
  AND (s.shared >= $min_shared OR (n.n_fps < $short_fps AND s.shared_rare >= 1))
