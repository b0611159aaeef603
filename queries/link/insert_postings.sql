-- Add the fingerprints in the registered relation new_postings(fp, article_id, t).
INSERT INTO link_postings SELECT fp, article_id, t FROM new_postings
