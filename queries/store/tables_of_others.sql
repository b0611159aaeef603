-- Tables and views of the database that are not provtrack's (empty for an empty file or a provtrack
-- database): a DuckDB file some other tool made is not migrated into one.
SELECT table_name
FROM information_schema.tables
WHERE table_catalog = current_database()
  AND table_schema = 'main'
  AND NOT EXISTS (
    SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_migrations'
  )
ORDER BY table_name
