-- explain/credits: the credits one article gives, strongest role first.
SELECT agency, role, cue, location
FROM credits
WHERE article_url = $url
ORDER BY CASE role WHEN 'origin' THEN 1 WHEN 'contributor' THEN 2 WHEN 'cited' THEN 3 ELSE 4 END, agency;
