-- The cost record's revision (issue 12): 0 for a request's first record, 1, 2, ... when late events corrected
-- a request emitted incomplete. The latest revision must win under FINAL, but the table's version column is
-- ingested_at and 18.16 changes neither the engine nor its version by ALTER: the sink writes ingested_at as
-- the insert's time plus the revision in seconds, so a revision always sorts after the ones before it (they
-- come before it on the same llm.costs partition, so no insert of an earlier revision happens after it without
-- it being inserted again after that). Every revision keeps the request's first timestamp, so it replaces the
-- earlier ones in the same partition. Rows written before read 0.
ALTER TABLE {db}.request_costs
    ADD COLUMN revision UInt32 DEFAULT 0 AFTER errors
