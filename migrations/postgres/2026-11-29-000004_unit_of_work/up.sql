-- The write pipeline: journal positions on hops, idempotency keys claimed and answered in
-- the write's own transaction, login throttling and scheduled-job leases shared by every
-- instance on one database.

-- The last journal event written when the ticket left this stay: the organisation that held
-- it keeps sight of the internal events up to there, not after.
ALTER TABLE ticket_hops ADD COLUMN left_event_id BIGINT;

-- Keys claimed but never answered were left by a crash under the former two-step protocol:
-- their work was never committed with them, so a retry must run again.
DELETE FROM idempotency_keys WHERE response_status IS NULL;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Login attempts per account or address and per minute, counted across instances.
CREATE TABLE login_attempts (
    bucket TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX login_attempts_by_window ON login_attempts (window_start);

-- A scheduled job runs on one instance at a time: the one holding its lease.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    leased_until TIMESTAMP NOT NULL
);
