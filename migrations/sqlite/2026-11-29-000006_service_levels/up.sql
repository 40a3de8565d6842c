-- Service levels: the policies of each territory (versioned: a ticket keeps the version it
-- was opened under), the clocks of each ticket and of each of its stays, and on the ticket
-- what its queue views sort and filter by.
CREATE TABLE service_level_policies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    version INTEGER NOT NULL CHECK (version >= 1),
    -- whether the school holidays of the school's zone are out of business time
    excludes_school_holidays BOOLEAN NOT NULL,
    -- share of a target at which a clock warns
    warning_percent INTEGER NOT NULL CHECK (warning_percent BETWEEN 1 AND 99),
    -- JSON array of targets: priority, optional organisation_kind and level, minutes
    targets TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (territory_code, version)
);

ALTER TABLE tickets ADD COLUMN service_level_policy_id BIGINT REFERENCES service_level_policies(id);
-- The earliest due instant of its clocks that still count; 9999-12-31 when none does, so
-- that one index orders a queue by it the same way on both databases.
ALTER TABLE tickets ADD COLUMN next_due_at TIMESTAMP NOT NULL DEFAULT '9999-12-31 00:00:00';
-- One of its clocks went past its target.
ALTER TABLE tickets ADD COLUMN breached BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX tickets_queue_by_due ON tickets (current_queue_id, next_due_at, id);

-- A clock: the ticket's own (hop_id NULL: the chain's time, from the school's view) or a
-- stay's (one organisation's time). Business seconds used up to running_since, or in all.
CREATE TABLE service_level_clocks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    hop_id BIGINT REFERENCES ticket_hops(id),
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL CHECK (kind IN ('response', 'resolution')),
    -- the ticket's priority its target was taken for: a requalification retargets the clock
    priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    target_minutes INTEGER NOT NULL CHECK (target_minutes > 0),
    warning_percent INTEGER NOT NULL CHECK (warning_percent BETWEEN 1 AND 99),
    used_seconds BIGINT NOT NULL CHECK (used_seconds >= 0),
    running_since TIMESTAMP,
    stopped BOOLEAN NOT NULL,
    due_at TIMESTAMP,
    warn_at TIMESTAMP,
    -- when the job recorded the warning and the breach: each once
    warned_at TIMESTAMP,
    breached_at TIMESTAMP,
    CHECK (NOT (stopped AND running_since IS NOT NULL))
);
CREATE UNIQUE INDEX service_level_clocks_once ON service_level_clocks (ticket_id, COALESCE(hop_id, 0), kind);
-- The job's two questions: which warnings, which breaches are due.
CREATE INDEX service_level_clocks_warnings ON service_level_clocks (warn_at)
    WHERE warned_at IS NULL AND warn_at IS NOT NULL;
CREATE INDEX service_level_clocks_breaches ON service_level_clocks (due_at)
    WHERE breached_at IS NULL AND due_at IS NOT NULL;

-- The warnings and breaches are notices too.
-- SQLite changes a CHECK by rebuilding the table.
CREATE TABLE outbox_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT REFERENCES tickets(id),
    -- The journal event announced.
    event_id BIGINT REFERENCES ticket_events(id),
    notice TEXT NOT NULL CHECK (notice IN ('ticket_acknowledged', 'queue_arrival',
        'hand_off_refused', 'vendor_question', 'vendor_answer', 'agent_comment',
        'information_requested', 'resolved', 'reopened', 'major_declared', 'major_resolved',
        'queue_digest', 'service_level_warning', 'service_level_breach')),
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
