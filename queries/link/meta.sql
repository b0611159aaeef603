-- Time, agency flag and origin/contributor credits of the versions in wanted_ids(article_id).
SELECT a.article_id, coalesce(a.published_at, a.first_seen_at) AS t, o.kind = 'agency' AS is_agency, o.agency,
       list(struct_pack(agency := c.agency, role := c.role)) FILTER (WHERE c.agency IS NOT NULL) AS credits
FROM articles a
JOIN wanted_ids USING (article_id)
JOIN outlets o USING (outlet_id)
LEFT JOIN article_credits c ON c.article_id = a.article_id AND c.role IN ('origin', 'contributor')
GROUP BY ALL
