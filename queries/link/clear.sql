-- `provtrack link --all`: forget the index and every verdict of the link stage.
DELETE FROM link_postings;
DELETE FROM link_state;
DELETE FROM reuse_links;
DELETE FROM chains;
