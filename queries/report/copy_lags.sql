-- copy_lags: one row per copy, i.e. per article taken from another article (its source) by an outlet
-- other than the origin agency itself; how long the copy took to appear. An outlet's copies of one origin
-- story count once, at its first: its repost under a second URL a day later is no slower copy.
--   article_url          the copy
--   outlet               outlet that published it
--   published_at         its publication time (UTC)
--   source_url           the article it was taken from (first hop)
--   source_outlet        outlet of source_url
--   origin_agency        agency at the root of its chain, null if none found
--   hops                 1 a direct copy, 2+ through intermediaries
--   credit_status        credited / credits_intermediary / uncredited / null, as in article_origins
--   hours_after_source   hours from source_url's publication to the copy's; null when a time is missing or
--                        the copy is stamped before its source (dated by day only, or a clock off: the
--                        linker places it after, see article_origins), its lag unknown
--   hours_after_origin   hours from the chain's origin article to the copy; null as hours_after_source
SELECT ao.article_url,
       ao.outlet,
       ao.published_at,
       ao.source_url,
       src.outlet                                                          AS source_outlet,
       ao.origin_agency,
       ao.hops,
       ao.credit_status,
       CASE WHEN ao.published_at >= src.published_at  -- else stamped before its source: lag unknown
            THEN round((epoch(ao.published_at) - epoch(src.published_at)) / 3600, 2)
       END AS hours_after_source,
       CASE WHEN ao.published_at >= root.published_at
            THEN round((epoch(ao.published_at) - epoch(root.published_at)) / 3600, 2)
       END AS hours_after_origin
FROM article_origins ao
JOIN article_origins src ON src.article_url = ao.source_url
LEFT JOIN article_origins root ON root.article_url = ao.origin_url
WHERE ao.credit_status IS DISTINCT FROM 'self'
QUALIFY row_number() OVER (PARTITION BY ao.outlet, coalesce(ao.origin_url, ao.article_url)
                           ORDER BY ao.published_at NULLS LAST, ao.hops, ao.article_url) = 1
ORDER BY hours_after_source NULLS LAST, ao.outlet, ao.article_url;
