-- 001 core: outlets, runs, fetches, articles with versions, dates, credits, reuse links, chains.
-- Applied in one transaction together with its row in schema_migrations.

CREATE SEQUENCE outlet_id_seq START 1;
CREATE SEQUENCE run_id_seq START 1;
CREATE SEQUENCE fetch_id_seq START 1;
CREATE SEQUENCE article_id_seq START 1;

-- One command invocation that wrote to the database. status: running / ok / partial / failed.
-- A run left 'running' after its process is gone did not finish (see `provtrack runs`).
CREATE TABLE runs (
    run_id              BIGINT PRIMARY KEY DEFAULT nextval('run_id_seq'),
    command             VARCHAR NOT NULL,
    args                VARCHAR,
    started_at          TIMESTAMP NOT NULL,
    finished_at         TIMESTAMP,
    status              VARCHAR NOT NULL,
    counts              JSON,
    message             VARCHAR,
    pid                 INTEGER,
    provtrack_version   VARCHAR,
    trafilatura_version VARCHAR,
    scrapy_version      VARCHAR,
    duckdb_version      VARCHAR
);

-- Publishers: agencies and the outlets that run their copy. kind: agency / outlet.
-- agency: canonical agency name when the outlet is an agency's own site.
-- registry: where the row came from (agencies / sources / state-media / ingest / crawl).
CREATE TABLE outlets (
    outlet_id        BIGINT PRIMARY KEY DEFAULT nextval('outlet_id_seq'),
    name             VARCHAR NOT NULL UNIQUE,
    kind             VARCHAR NOT NULL DEFAULT 'outlet',
    agency           VARCHAR,
    domain           VARCHAR,
    country          VARCHAR,
    ownership        VARCHAR,
    state_affiliated BOOLEAN,
    typology         VARCHAR,
    registry         VARCHAR NOT NULL,
    run_id           BIGINT
);

-- Every name and domain an outlet is known by, casefolded; an ingest row's outlet or URL resolves here.
CREATE TABLE outlet_aliases (
    alias     VARCHAR PRIMARY KEY,
    outlet_id BIGINT NOT NULL
);
CREATE TABLE outlet_domains (
    domain    VARCHAR PRIMARY KEY,
    outlet_id BIGINT NOT NULL
);

-- Each HTTP response the crawler received (or failed to), pointing into the WARC archive.
CREATE TABLE fetches (
    fetch_id       BIGINT PRIMARY KEY DEFAULT nextval('fetch_id_seq'),
    run_id         BIGINT NOT NULL,
    url            VARCHAR NOT NULL,
    kind           VARCHAR,
    status         INTEGER,
    fetched_at     TIMESTAMP NOT NULL,
    content_type   VARCHAR,
    etag           VARCHAR,
    last_modified  VARCHAR,
    content_hash   VARCHAR,
    warc_file      VARCHAR,
    warc_offset    BIGINT,
    error          VARCHAR
);

-- One row per version of an article: the same URL with new text is a new version (version 1, 2, ...).
CREATE TABLE articles (
    article_id       BIGINT PRIMARY KEY DEFAULT nextval('article_id_seq'),
    url              VARCHAR NOT NULL,
    version          INTEGER NOT NULL,
    previous_id      BIGINT,
    outlet_id        BIGINT NOT NULL,
    published_at     TIMESTAMP,
    first_seen_at    TIMESTAMP NOT NULL,
    title            VARCHAR,
    author           VARCHAR,
    text             VARCHAR NOT NULL,
    text_hash        VARCHAR NOT NULL,
    language         VARCHAR,
    sitename         VARCHAR,
    canonical_url    VARCHAR,
    warc_file        VARCHAR,
    warc_offset      BIGINT,
    run_id           BIGINT NOT NULL,
    UNIQUE (url, version)
);

-- Every publication date a source claimed for an article version, side by side (source: input, feed,
-- sitemap, metadata, htmldate, first_seen); articles.published_at holds the one chosen.
CREATE TABLE article_dates (
    article_id BIGINT NOT NULL,
    source     VARCHAR NOT NULL,
    value      TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, source)
);

-- Explicit attributions found on the page (the public `credits` view reads this).
CREATE TABLE article_credits (
    article_id BIGINT NOT NULL,
    agency     VARCHAR NOT NULL,
    role       VARCHAR NOT NULL,
    cue        VARCHAR,
    location   VARCHAR,
    run_id     BIGINT NOT NULL,
    PRIMARY KEY (article_id, agency, role)
);

-- Text reuse between two article versions, verified by alignment: target reuses source.
-- containment: share of the target's tokens aligned to the source. spans: JSON list of aligned
-- passages [[target_start, target_end, source_start, source_end], ...] in tokens.
CREATE TABLE reuse_links (
    target_id    BIGINT NOT NULL,
    source_id    BIGINT NOT NULL,
    containment  DOUBLE NOT NULL,
    longest_run  INTEGER,
    order_score  DOUBLE,
    derivation   VARCHAR,
    spans        JSON,
    run_id       BIGINT NOT NULL,
    PRIMARY KEY (target_id, source_id)
);

-- The link stage's verdict per article version, read by the article_origins view.
CREATE TABLE chains (
    article_id    BIGINT PRIMARY KEY,
    source_id     BIGINT,
    origin_id     BIGINT,
    origin_agency VARCHAR,
    hops          INTEGER NOT NULL,
    derivation    VARCHAR NOT NULL,
    reuse_score   DOUBLE,
    credit_status VARCHAR,
    evidence      VARCHAR,
    cluster_id    BIGINT,
    run_id        BIGINT NOT NULL
);
