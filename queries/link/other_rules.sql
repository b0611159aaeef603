-- How many stored verdicts were made under other shingling or link rules than this provtrack's
-- ($scheme: shingles.SCHEME/link.RULES): after an upgrade that changes either, `link` says to run
-- `provtrack link --all` until none is left.
SELECT count(*) FROM link_state WHERE scheme <> $scheme
