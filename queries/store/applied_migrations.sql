-- The migrations applied to this database: version, and when (UTC, as text).
SELECT version, CAST(applied_at AS VARCHAR) FROM schema_migrations
