DROP TABLE job_leases;
DROP TABLE login_attempts;
DROP INDEX idempotency_keys_by_age;
ALTER TABLE ticket_hops DROP COLUMN left_event_id;
