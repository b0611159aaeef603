-- explain/own_earlier: for an agency's story judged its own origin, the earlier story of the same agency
-- whose text it reuses most: an update or follow-up is a story of its own, not a copy (see
-- pipelines/chains.own_earlier_story), and this shows what it was built on.
SELECT s.url AS source_url, s.published_at, r.containment
FROM reuse_links r
JOIN articles t ON t.article_id = r.target_id
JOIN articles s ON s.article_id = r.source_id
JOIN outlets ot ON ot.outlet_id = t.outlet_id
JOIN outlets os ON os.outlet_id = s.outlet_id
WHERE r.target_id = $target_id AND r.derivation <> 'none'
  AND ot.kind = 'agency' AND os.kind = 'agency' AND ot.agency = os.agency
ORDER BY r.containment DESC, s.published_at
LIMIT 1;
