-- Forget the postings of versions in wanted_ids (re-indexed, or superseded by a newer version).
DELETE FROM link_postings WHERE article_id IN (SELECT article_id FROM wanted_ids)
