-- Does the database record its migrations yet (false for a file no provtrack has written)?
SELECT count(*) > 0 FROM information_schema.tables WHERE table_name = 'schema_migrations'
