-- Runs in a database that the demo did not make (ingest, crawl, merge, a registry import, ...):
-- the demo refuses to delete such a database. $1: the commands that only re-derive the demo's own.
SELECT command, count(*) AS runs
FROM runs
WHERE command NOT IN (SELECT unnest($1::VARCHAR[]))
GROUP BY command
ORDER BY command
