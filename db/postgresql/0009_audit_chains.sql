-- 0009_audit_chains (postgresql): the audit is several hash chains, chain c holding the ids c × 10^12 + 1, + 2, …
-- (Approval.Api/Security/AuditChain.cs). audit_chain_lock takes the append lock of the first free chain from
-- first_choice on (waiting for first_choice's only when all are taken), then reads that chain's last row and newest
-- anchor. VOLATILE: each statement in it takes its own snapshot, so the reads see every row committed before the lock.
-- Chain 0's lock key is the single chain's key of earlier versions.
CREATE FUNCTION audit_chain_lock(first_choice integer, chains integer)
RETURNS TABLE (chain integer, last_id bigint, last_hash text, anchor_id bigint, anchor_hash text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    candidate integer;
BEGIN
    FOR i IN 0 .. chains - 1 LOOP
        candidate := (first_choice + i) % chains;
        IF pg_try_advisory_xact_lock(724312 + (candidate::bigint << 32)) THEN
            chain := candidate;
            EXIT;
        END IF;
    END LOOP;
    IF chain IS NULL THEN
        chain := first_choice % chains;
        PERFORM pg_advisory_xact_lock(724312 + (chain::bigint << 32));
    END IF;
    SELECT e.id, e.row_hash INTO last_id, last_hash FROM audit_entries e
    WHERE e.id >= chain * 1000000000000 AND e.id < (chain + 1) * 1000000000000 ORDER BY e.id DESC LIMIT 1;
    SELECT a.id, a.through_hash INTO anchor_id, anchor_hash FROM audit_anchors a
    WHERE a.id >= chain * 1000000000000 AND a.id < (chain + 1) * 1000000000000 ORDER BY a.id DESC LIMIT 1;
    RETURN NEXT;
END;
$$;
