-- 001 core: outlets, runs, fetches, articles with versions, dates, credits, reuse links, chains.
-- Applied in one transaction together with its row in schema_migrations.

CREATE SEQUENCE outlet_id_seq START 1;
CREATE SEQUENCE run_id_seq START 1;
CREATE SEQUENCE fetch_id_seq START 1;
CREATE SEQUENCE article_id_seq START 1;

-- One command invocation that wrote to the database, with its outcome.
-- A run left 'running' after its process is gone did not finish (see `provtrack runs`).
CREATE TABLE runs (
    run_id              BIGINT PRIMARY KEY DEFAULT nextval('run_id_seq'),  -- id of the run; every row a run writes carries it
    command             VARCHAR NOT NULL,  -- the provtrack command (ingest, crawl, link, ...)
    args                VARCHAR,  -- its arguments
    started_at          TIMESTAMP NOT NULL,  -- start (UTC)
    finished_at         TIMESTAMP,  -- end (UTC); null while running or when the process died
    status              VARCHAR NOT NULL,  -- running / ok / partial / failed / interrupted
    counts              JSON,  -- JSON counts, by command: ingest, reprocess and merge new_articles, new_versions, unchanged, ... (merge before 2026-12-06: new, versions); crawl one object per source with its status; link indexed, relinked, other_rules, candidates, links, derived, by_derivation
    message             VARCHAR,  -- why it failed or was partial
    pid                 INTEGER,  -- process id, to detect runs whose process died
    provtrack_version   VARCHAR,  -- version of provtrack
    trafilatura_version VARCHAR,  -- version of trafilatura
    scrapy_version      VARCHAR,  -- version of Scrapy
    duckdb_version      VARCHAR  -- version of DuckDB
);

-- Publishers: agencies and the outlets that run their copy. kind: agency / outlet.
-- agency: canonical agency name when the outlet is an agency's own site.
-- registry: where the row came from (agencies / sources / state-media / ingest / crawl).
CREATE TABLE outlets (
    outlet_id        BIGINT PRIMARY KEY DEFAULT nextval('outlet_id_seq'),  -- id of the outlet
    name             VARCHAR NOT NULL UNIQUE,  -- display name (for an agency: its canonical name)
    kind             VARCHAR NOT NULL DEFAULT 'outlet',  -- agency / outlet
    agency           VARCHAR,  -- canonical agency name when the outlet is an agency's own
    domain           VARCHAR,  -- main registered domain
    country          VARCHAR,  -- ISO country code or name
    ownership        VARCHAR,  -- state / public / private / cooperative (agencies)
    state_affiliated BOOLEAN,  -- true when a state funds or controls it editorially
    typology         VARCHAR,  -- state-media typology from an imported list (e.g. GMF State Media Matrix)
    registry         VARCHAR NOT NULL,  -- where the row came from: agencies, sources, state-media, ingest, crawl
    run_id           BIGINT  -- run that created it
);

-- Every name an outlet is known by, casefolded; an ingest row's outlet resolves here.
CREATE TABLE outlet_aliases (
    alias     VARCHAR PRIMARY KEY,  -- a name the outlet is known by, casefolded
    outlet_id BIGINT NOT NULL  -- the outlet
);

-- Every registered domain of an outlet; an article URL without an outlet name resolves here.
CREATE TABLE outlet_domains (
    domain    VARCHAR PRIMARY KEY,  -- a registered domain of the outlet
    outlet_id BIGINT NOT NULL  -- the outlet
);

-- Each HTTP response the crawler received (or failed to), pointing into the WARC archive.
CREATE TABLE fetches (
    fetch_id       BIGINT PRIMARY KEY DEFAULT nextval('fetch_id_seq'),  -- id of the fetch
    run_id         BIGINT NOT NULL,  -- run that fetched
    url            VARCHAR NOT NULL,  -- requested URL (normalised)
    kind           VARCHAR,  -- article / site (a home or listing page) / feed / sitemap / robots
    status         INTEGER,  -- HTTP status, null when no response
    fetched_at     TIMESTAMP NOT NULL,  -- when (UTC)
    content_type   VARCHAR,  -- Content-Type of the response
    etag           VARCHAR,  -- ETag, for conditional GET
    last_modified  VARCHAR,  -- Last-Modified, for conditional GET
    content_hash   VARCHAR,  -- SHA-1 of the body
    warc_file      VARCHAR,  -- WARC file holding the response
    warc_offset    BIGINT,  -- byte offset of its record
    error          VARCHAR  -- why it failed
);

-- One row per version of an article: the same URL with new text or credits is a new version (1, 2, ...).
CREATE TABLE articles (
    article_id       BIGINT PRIMARY KEY DEFAULT nextval('article_id_seq'),  -- id of this version
    url              VARCHAR NOT NULL,  -- normalised article URL
    version          INTEGER NOT NULL,  -- 1 for the first text seen, +1 for each changed text or credits
    previous_id      BIGINT,  -- the version this one replaced
    outlet_id        BIGINT NOT NULL,  -- outlet that published it
    published_at     TIMESTAMP,  -- chosen publication time (UTC; rule in README)
    first_seen_at    TIMESTAMP NOT NULL,  -- when provtrack first stored this version (UTC)
    title            VARCHAR,  -- headline
    author           VARCHAR,  -- byline as extracted
    text             VARCHAR NOT NULL,  -- cleaned article text
    text_hash        VARCHAR NOT NULL,  -- SHA-1 of the white-space-normalised text
    language         VARCHAR,  -- ISO 639-1 code
    sitename         VARCHAR,  -- site name from the page metadata
    canonical_url    VARCHAR,  -- rel=canonical when it differs from url
    warc_file        VARCHAR,  -- WARC file of the response it came from
    warc_offset      BIGINT,  -- byte offset of that record
    run_id           BIGINT NOT NULL,  -- run that stored it
    UNIQUE (url, version)
);

-- Every publication date a source claimed for an article version, side by side (source: input, feed,
-- sitemap, metadata, htmldate, first_seen); articles.published_at holds the one chosen.
CREATE TABLE article_dates (
    article_id BIGINT NOT NULL,  -- the article version
    source     VARCHAR NOT NULL,  -- who claimed it: input, metadata, feed, sitemap, htmldate, first_seen
    value      TIMESTAMP NOT NULL,  -- the claimed time (UTC)
    PRIMARY KEY (article_id, source)
);

-- Explicit attributions found on the page (the public `credits` view reads this).
CREATE TABLE article_credits (
    article_id BIGINT NOT NULL,  -- the article version
    agency     VARCHAR NOT NULL,  -- canonical agency name
    role       VARCHAR NOT NULL,  -- origin / contributor / cited / photo
    cue        VARCHAR,  -- the text that decided it
    location   VARCHAR,  -- dateline / byline / body / footer / caption / metadata
    run_id     BIGINT NOT NULL,  -- run that found it
    PRIMARY KEY (article_id, agency, role)
);

-- Text reuse between two article versions, verified by alignment: target reuses source.
-- containment: share of the target's tokens aligned to the source. spans: JSON list of aligned
-- passages [[target_start, target_end, source_start, source_end], ...] in tokens.
CREATE TABLE reuse_links (
    target_id    BIGINT NOT NULL,  -- the later article version (the one that reuses)
    source_id    BIGINT NOT NULL,  -- the earlier one
    containment  DOUBLE NOT NULL,  -- share of the target's tokens aligned to the source
    longest_run  INTEGER,  -- longest aligned run, in tokens
    order_score  DOUBLE,  -- share of aligned tokens in the source's order
    derivation   VARCHAR,  -- wholly / partially / none for this pair
    spans        JSON,  -- JSON [[target_start, target_end, source_start, source_end], ...] in tokens
    run_id       BIGINT NOT NULL,  -- run that linked it
    PRIMARY KEY (target_id, source_id)
);

-- The link stage's verdict per article version, read by the article_origins view.
CREATE TABLE chains (
    article_id    BIGINT PRIMARY KEY,  -- the article version judged
    source_id     BIGINT,  -- its immediate source, null if none
    origin_id     BIGINT,  -- root article of its chain in the database
    origin_agency VARCHAR,  -- agency at the root (from text or credit)
    hops          INTEGER NOT NULL,  -- 0 original, 1 direct copy, 2+ through intermediaries
    derivation    VARCHAR NOT NULL,  -- wholly / partially / none relative to the immediate source
    reuse_score   DOUBLE,  -- share of its text aligned to the immediate source
    credit_status VARCHAR,  -- credited / credits_intermediary / uncredited / self
    evidence      VARCHAR,  -- credit / text / credit+text
    cluster_id    BIGINT,  -- story cluster: the id of the chain's root article
    run_id        BIGINT NOT NULL  -- run that judged it
);
