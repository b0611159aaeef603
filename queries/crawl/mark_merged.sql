-- A shard merge is done with (?: its file name, the rows it held, the merge's run): the next merge
-- skips it.
INSERT INTO merged_shards VALUES (?, ?, current_timestamp::TIMESTAMP, ?)
