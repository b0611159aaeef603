-- A new run, `running` until finish_run or abort_run closes it (a run still `running` whose process is
-- gone was killed). Parameters: command, args, pid, then the versions of provtrack, trafilatura, Scrapy
-- and DuckDB that wrote its rows.
INSERT INTO runs (command, args, started_at, status, pid, provtrack_version,
                  trafilatura_version, scrapy_version, duckdb_version)
VALUES (?, ?, current_timestamp::TIMESTAMP, 'running', ?, ?, ?, ?, ?)
RETURNING run_id
