-- 003 link index: the persisted text-reuse index of the link stage and which versions it has judged.

-- Sampled word 3-gram fingerprints (hash % 4 = 0; shingles.SHINGLE, shingles.SAMPLE) of every indexed
-- article version: one row per (fingerprint, article). t: published_at, else first_seen_at, so the
-- time window filters postings without touching articles.
CREATE TABLE link_postings (
    fp         BIGINT NOT NULL,  -- fingerprint: hash of a sampled word n-gram
    article_id BIGINT NOT NULL,  -- the article version holding it
    t          TIMESTAMP NOT NULL  -- published_at, else first_seen_at (for the time window)
);

-- Article versions the link stage has indexed and judged; absent = still to link. Versions indexed
-- under an older shingling scheme need `provtrack link --all`.
CREATE TABLE link_state (
    article_id BIGINT PRIMARY KEY,  -- the article version
    n_tokens   INTEGER NOT NULL,  -- tokens in its text
    n_fps      INTEGER NOT NULL,  -- fingerprints it put in the index
    scheme     VARCHAR NOT NULL,  -- shingling scheme and link rules of its verdict (others: link --all)
    linked_at  TIMESTAMP NOT NULL,  -- when it was judged
    run_id     BIGINT NOT NULL  -- run that judged it
);
