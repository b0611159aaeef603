-- 004 merged shards: what `provtrack merge` has loaded.

-- The Parquet shards of distributed crawl workers already loaded, each once.
CREATE TABLE merged_shards (
    shard     VARCHAR PRIMARY KEY,  -- file name of the shard
    articles  INTEGER NOT NULL,  -- rows it held
    merged_at TIMESTAMP NOT NULL,  -- when it was loaded (UTC)
    run_id    BIGINT NOT NULL  -- the merge run that loaded it
);
