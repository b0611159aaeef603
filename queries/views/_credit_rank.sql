-- credit_rank(role, location): which of a page's origin and contributor credits names its origin
-- agency (the lowest rank): an origin credit before a contributor one, then a dateline or byline
-- before a footer line, the body or metadata. One rule for the article_origins view (articles not
-- linked yet) and the link stage (queries/link/meta.sql). Named with "_" so it is created first.
CREATE OR REPLACE MACRO credit_rank(role, location) AS
    CASE role WHEN 'origin' THEN 0 ELSE 10 END
    + CASE location WHEN 'dateline' THEN 1 WHEN 'byline' THEN 2 WHEN 'footer' THEN 3
                    WHEN 'body' THEN 4 WHEN 'metadata' THEN 5 ELSE 6 END;
