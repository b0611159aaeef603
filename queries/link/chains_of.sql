-- Stored chains rows of the versions in wanted_ids (sources judged by an earlier run).
SELECT c.article_id, c.source_id, c.origin_id, c.origin_agency, c.hops, c.derivation, c.reuse_score,
       c.credit_status, c.evidence, c.cluster_id
FROM chains c JOIN wanted_ids USING (article_id)
