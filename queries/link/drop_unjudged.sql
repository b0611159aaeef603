-- The end of a complete `link --all`: verdicts of articles it did not judge (older versions of a URL).
DELETE FROM reuse_links WHERE target_id NOT IN (SELECT article_id FROM link_state);
DELETE FROM chains WHERE article_id NOT IN (SELECT article_id FROM link_state);
