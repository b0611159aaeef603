-- explain/like_urls: up to 5 stored article URLs like one that is not stored, for the message that says
-- so: on its registered domain ($domain), either on its host ($host, "www." left off both) or with
-- the same first path segment ($path: '/world/' of '/world/s400.html'). The closest paths first
-- (Jaro-Winkler similarity, which weighs a shared start), then those on its host.
WITH stored AS (
    SELECT DISTINCT url,
           regexp_extract(url, '^https?://(?:www\.)?([^/?]+)', 1) AS host,
           regexp_extract(url, '^https?://[^/?]+(/[^?]*)?', 1) AS path
    FROM articles
    WHERE contains(url, $domain)  -- cheap, before the regular expressions
)
SELECT url
FROM stored
WHERE (host = $domain OR ends_with(host, '.' || $domain))
  AND (host = $host OR split_part(path, '/', 2) = split_part($path, '/', 2))
ORDER BY jaro_winkler_similarity(path, $path) DESC, host = $host DESC, url
LIMIT 5
