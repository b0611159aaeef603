-- summary: one row describing the whole database, for the report's header. A direct copy naming another
-- agency ("Source: Reuters" on TASS's text) is uncredited: it names a source, none the story came through.
--   articles           articles (latest version of each URL)
--   outlets            outlets with at least one article
--   agencies           distinct agencies the from_agency articles trace back to
--   from_agency        articles (not the agency's own) whose chain starts at an agency
--   credited           of those, articles that name the origin agency
--   uncredited         of those, articles crediting neither the origin nor a source on the way
--   copies             articles taken from another article by an outlet other than the origin agency
--   first_published    earliest publication time (UTC)
--   last_published     latest publication time (UTC)
SELECT count(*)                                                             AS articles,
       count(DISTINCT outlet)                                               AS outlets,
       count(DISTINCT origin_agency) FILTER (WHERE credit_status IS DISTINCT FROM 'self') AS agencies,
       count(*) FILTER (WHERE origin_agency IS NOT NULL AND credit_status IS DISTINCT FROM 'self') AS from_agency,
       count(*) FILTER (WHERE origin_agency IS NOT NULL AND credit_status = 'credited')            AS credited,
       count(*) FILTER (WHERE origin_agency IS NOT NULL AND credit_status = 'uncredited')          AS uncredited,
       count(*) FILTER (WHERE source_url IS NOT NULL AND credit_status IS DISTINCT FROM 'self')    AS copies,
       min(published_at)                                                    AS first_published,
       max(published_at)                                                    AS last_published
FROM article_origins;
