-- Notifications, written in the transaction of the change they announce (a change that
-- rolls back leaves none), then sent by the dispatcher: one row per message and recipient.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT REFERENCES tickets(id),
    -- The journal event announced (none for the service-level warnings to come).
    event_id BIGINT REFERENCES ticket_events(id),
    notice TEXT NOT NULL CHECK (notice IN ('ticket_acknowledged', 'queue_arrival',
        'hand_off_refused', 'vendor_question', 'vendor_answer', 'agent_comment',
        'information_requested', 'resolved', 'reopened', 'major_declared', 'major_resolved',
        'queue_digest')),
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
-- An event announces itself once to each person.
CREATE UNIQUE INDEX outbox_once_per_recipient ON outbox (event_id, notice, recipient_email);
-- The dispatcher's claim: due rows first.
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_ticket ON outbox (ticket_id, id);

-- What each person chose: notices muted (never the mandatory ones), queue notices as a daily
-- digest rather than one message each.
CREATE TABLE notification_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    -- JSON array of notice kinds
    muted TEXT NOT NULL,
    queue_digest BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
