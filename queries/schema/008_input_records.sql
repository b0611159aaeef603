-- 008 input records: which input files held each ingested version's text.

-- A JSONL, CSV or Parquet file holding several texts of one page (A, then B) added them again as new
-- versions on every ingest of it (A differs from the latest, B; then B from A): a rerun after a kill, or a
-- nightly ingest of a growing dump, made versions without end. The n-th time a text of a page comes in
-- a file is a row read again when files of that name held it n times before
-- (pipelines/store/file_rows.py). Rows ingested before 2026-12-07 have no record here: a file read
-- again after the upgrade adds its texts once more, then no more.

-- One row per file row that made a version or equalled the latest one (a file holding a text twice
-- holds it twice); no key, whose index DuckDB would hold in memory whole.
CREATE TABLE input_records (
    article_id BIGINT NOT NULL,  -- the version whose text and credits the file's row held
    input_file VARCHAR NOT NULL  -- the file's name, without its folder or a last ".gz" (export.jsonl for data/2026-12-07/export.jsonl.gz)
);
