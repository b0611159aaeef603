-- Latest versions of each URL not yet judged by the link stage, oldest first.
--   t: the URL's earliest published_at (else first_seen_at) of all its versions: an update restamped
--      later is still the story first run then, and must not become the copy of those who ran it;
--   is_agency/agency from the outlet.
-- The latest version is chosen among all versions before the judged ones are left out: filtering
-- first made a superseded version that was never judged "the latest" for the next link.
WITH latest AS (
    SELECT a.article_id, a.url, min(coalesce(a.published_at, a.first_seen_at)) OVER (PARTITION BY a.url) AS t,
           o.kind = 'agency' AS is_agency, o.agency
    FROM articles a
    JOIN outlets o USING (outlet_id)
    QUALIFY row_number() OVER (PARTITION BY a.url ORDER BY a.version DESC) = 1
)
SELECT * FROM latest
WHERE article_id NOT IN (SELECT article_id FROM link_state)
ORDER BY t, article_id
