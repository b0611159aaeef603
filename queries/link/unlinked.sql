-- Latest versions of each URL not yet judged by the link stage, oldest first.
--   t: published_at, else first_seen_at; is_agency/agency from the outlet; previous_id: older version.
SELECT a.article_id, a.url, coalesce(a.published_at, a.first_seen_at) AS t,
       o.kind = 'agency' AS is_agency, o.agency, a.previous_id
FROM articles a
JOIN outlets o USING (outlet_id)
WHERE a.article_id NOT IN (SELECT article_id FROM link_state)
QUALIFY row_number() OVER (PARTITION BY a.url ORDER BY a.version DESC) = 1
ORDER BY t, a.article_id
