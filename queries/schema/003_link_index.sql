-- 003 link index: the persisted text-reuse index of the link stage and which versions it has judged.

-- Sampled word 5-gram fingerprints (hash % 8 = 0, see pipelines/shingles.py) of every indexed
-- article version: one row per (fingerprint, article). t: published_at, else first_seen_at, so the
-- time window filters postings without touching articles.
CREATE TABLE link_postings (
    fp         BIGINT NOT NULL,
    article_id BIGINT NOT NULL,
    t          TIMESTAMP NOT NULL
);

-- Article versions the link stage has indexed and judged; absent = still to link.
--   n_tokens, n_fps: size of the text and of its fingerprint sample. scheme: the shingling scheme
--   that wrote its postings (a new scheme needs `provtrack link --all`).
CREATE TABLE link_state (
    article_id BIGINT PRIMARY KEY,
    n_tokens   INTEGER NOT NULL,
    n_fps      INTEGER NOT NULL,
    scheme     VARCHAR NOT NULL,
    linked_at  TIMESTAMP NOT NULL,
    run_id     BIGINT NOT NULL
);
