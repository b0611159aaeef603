-- 008 input records: the file row each ingested version was read from.

-- A JSONL, CSV or Parquet file holding several texts of one page (A, then B) added them again as new
-- versions on every ingest of it (A differs from the latest, B; then B from A): a rerun after a kill, or a
-- nightly ingest of a growing dump, made versions without end. A row whose text and credits are those
-- last stored from the same file name and row is read again, not a new version. Rows ingested before
-- 2026-12-07 have no record here: a file read again after the upgrade adds its rows once more, then
-- no more.
CREATE TABLE input_records (
    article_id BIGINT PRIMARY KEY,  -- the version stored from the row
    input_file VARCHAR NOT NULL,  -- the file's name, without its folder (a file moved holds the same rows)
    record     BIGINT NOT NULL  -- the row's line (JSONL; CSV: the line its record starts on) or row number (Parquet)
);
