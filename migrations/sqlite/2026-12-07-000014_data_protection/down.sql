DELETE FROM outbox WHERE notice IN ('breach_to_notify', 'breach_deadline', 'breach_dpo_information',
    'rights_request_forwarded');
CREATE TABLE outbox_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT REFERENCES tickets(id),
    -- The journal event announced.
    event_id BIGINT REFERENCES ticket_events(id),
    notice TEXT NOT NULL CHECK (notice IN ('ticket_acknowledged', 'queue_arrival',
        'hand_off_refused', 'vendor_question', 'vendor_answer', 'agent_comment',
        'information_requested', 'resolved', 'reopened', 'major_declared', 'major_resolved',
        'queue_digest', 'service_level_warning', 'service_level_breach', 'review_drafted',
        'monthly_figures')),
    recipient_user_id BIGINT REFERENCES users(id),
    recipient_email TEXT NOT NULL,
    -- JSON: what the message says, as it was when the event happened.
    payload TEXT NOT NULL,
    -- digest: a queue notice held for its recipient's daily digest.
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'digest', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    leased_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
INSERT INTO outbox_rebuilt SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
-- An event announces itself once to each person.
CREATE UNIQUE INDEX outbox_once_per_recipient ON outbox (event_id, notice, recipient_email);
-- The dispatcher's claim: due rows first.
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_ticket ON outbox (ticket_id, id);

DROP TABLE rights_request_events;
DROP TABLE rights_requests;
DROP TABLE personal_data_breach_events;
DROP TABLE personal_data_breaches;
ALTER TABLE organisations DROP COLUMN departement;
ALTER TABLE organisations DROP COLUMN dpo_email;
