-- uncredited_reuse: one row per article reusing earlier text that names neither its origin nor a source on the way (the laundering signal).
-- A direct copy naming another agency ("Source: Reuters" on BelTA's text) is one.
--   article_url    the article that reuses text
--   outlet         its outlet
--   published_at   when it appeared
--   source_url     the article it copies from (immediate source)
--   origin_agency  the agency at the root of the chain, if any
--   reuse_score    share (0..1) of its text aligned to the source
--   derivation     wholly / partially
--   lag_hours      hours from the source to the copy; null when either has no time, or when the copy is
--                  stamped before its source (dated by day only, or a clock off: the linker places it
--                  after, see article_origins), its lag unknown
SELECT ao.article_url, ao.outlet, ao.published_at, ao.source_url, ao.origin_agency,
       round(ao.reuse_score, 3) AS reuse_score, ao.derivation,
       CASE WHEN ao.published_at >= src.published_at
            THEN round(date_diff('minute', src.published_at, ao.published_at) / 60.0, 1) END AS lag_hours
FROM article_origins ao
LEFT JOIN article_origins src ON src.article_url = ao.source_url
WHERE ao.credit_status = 'uncredited'
ORDER BY ao.reuse_score DESC NULLS LAST, ao.published_at;
