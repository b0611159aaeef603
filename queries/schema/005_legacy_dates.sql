-- 005 legacy dates: which articles were dated by the rule before 2026-12-06.

-- Before 2026-12-06 a date written at local midnight ("2026-11-17T00:00:00+03:00") was stored converted to
-- UTC (21:00 the day before), and the link stage took any time on a quarter hour for such a date.
-- Since, it is stored as the date itself (midnight UTC) and only midnight counts: a time on the hour is
-- a time. Rows stored before keep the old reading (queries/link/meta.sql, chains.day_only), since their
-- local midnights cannot be told from real times; rows stored since are read by the new rule. A fresh
-- database has no rows of before: last_run is 0.
CREATE TABLE legacy_dates (
    last_run BIGINT NOT NULL  -- the last run that stored dates by the old rule
);
INSERT INTO legacy_dates SELECT coalesce(max(run_id), 0) FROM runs;
