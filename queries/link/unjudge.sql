-- Articles (in wanted_ids) the running link judges again: marked unjudged before any new verdict is
-- written, so that a link cut short judges them next time instead of keeping their old verdict.
DELETE FROM link_state WHERE article_id IN (SELECT article_id FROM wanted_ids);
