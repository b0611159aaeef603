-- story_chains: one row per article of a multi-article story, i.e. of an origin article that at least one
-- other article in the database derives from (directly or through intermediaries).
--   story_url            the story's origin article (the root of its chain)
--   story_title          title of the origin article
--   story_outlet         outlet that published the origin article
--   story_agency         agency at the root of the story, null when it started at an ordinary outlet
--   story_started_at     publication time of the origin article (UTC)
--   story_articles       how many articles the story has, the origin included
--   article_url          the article
--   outlet               outlet that published it
--   published_at         its publication time (UTC)
--   hops                 0 the origin, 1 a direct copy, 2+ through intermediaries
--   source_url           the article it was taken from (its first hop), null for the origin
--   source_outlet        outlet of source_url
--   derivation           wholly / partially / none, relative to source_url
--   reuse_score          share (0..1) of its text aligned to source_url
--   credit_status        credited / credits_intermediary / uncredited / self / null, as in article_origins
--   hours_after_source   hours from source_url's publication to this one; null when a time is missing or
--                        this one is stamped before its source (dated by day only, or a clock off: the
--                        linker places it after, see article_origins), its lag unknown
--   hours_after_origin   hours from the origin's publication to this one; null as hours_after_source
WITH stories AS (
    SELECT origin_url AS story_url, count(*) AS story_articles
    FROM article_origins
    WHERE origin_url IS NOT NULL
    GROUP BY origin_url
    HAVING count(*) > 1
),
titles AS (
    SELECT url, arg_max(title, version) AS title FROM articles GROUP BY url
)
SELECT s.story_url,
       t.title                                                             AS story_title,
       root.outlet                                                         AS story_outlet,
       root.origin_agency                                                  AS story_agency,
       root.published_at                                                   AS story_started_at,
       s.story_articles,
       ao.article_url,
       ao.outlet,
       ao.published_at,
       ao.hops,
       ao.source_url,
       src.outlet                                                          AS source_outlet,
       ao.derivation,
       round(ao.reuse_score, 3)                                            AS reuse_score,
       ao.credit_status,
       CASE WHEN ao.published_at >= src.published_at  -- else stamped before its source: lag unknown
            THEN round((epoch(ao.published_at) - epoch(src.published_at)) / 3600, 2)
       END AS hours_after_source,
       CASE WHEN ao.published_at >= root.published_at
            THEN round((epoch(ao.published_at) - epoch(root.published_at)) / 3600, 2)
       END AS hours_after_origin
FROM stories s
JOIN article_origins ao ON ao.origin_url = s.story_url
LEFT JOIN article_origins root ON root.article_url = s.story_url
LEFT JOIN article_origins src ON src.article_url = ao.source_url
LEFT JOIN titles t ON t.url = s.story_url
ORDER BY s.story_articles DESC, story_started_at, s.story_url, ao.hops, ao.published_at, ao.article_url;
