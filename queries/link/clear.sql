-- `provtrack link --all`: forget the index and which articles are judged, so that every one is judged
-- again. The verdicts (chains, reuse_links) stay until each article's new one replaces it: a rebuild
-- cut short leaves the old answers, not none (queries/link/drop_unjudged.sql ends a complete one).
DELETE FROM link_postings;
DELETE FROM link_state;
