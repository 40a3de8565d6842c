-- Tickets along the support chain: tickets, their immutable journal, hops between
-- organisations, routing rules per authority, technical-file requirements per category,
-- attachments and idempotency keys.

-- Per territory and year: the last sequence number given to a ticket reference.
CREATE TABLE ticket_sequences (
    territory_code TEXT NOT NULL REFERENCES territories(code),
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (territory_code, year)
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- <TERRITORY>-<YEAR>-<6-digit sequence>
    reference TEXT NOT NULL UNIQUE,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    establishment_uai TEXT NOT NULL REFERENCES establishments(uai),
    requester_id BIGINT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    -- search key of the title (lower-case, accent-free words)
    title_search TEXT NOT NULL,
    description TEXT NOT NULL,
    category_code TEXT NOT NULL REFERENCES categories(code),
    ticket_type TEXT NOT NULL CHECK (ticket_type IN ('incident', 'request')),
    impact TEXT NOT NULL CHECK (impact IN ('high','medium','low')),
    urgency TEXT NOT NULL CHECK (urgency IN ('high','medium','low')),
    priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    status TEXT NOT NULL CHECK (status IN ('new','assigned','in_progress','pending','resolved','closed','cancelled')),
    pending_reason TEXT CHECK (pending_reason IN ('requester', 'third_party', 'vendor_info')),
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
    -- the level-1 authority queue accountable to the school
    owner_queue_id BIGINT NOT NULL REFERENCES queues(id),
    current_queue_id BIGINT NOT NULL REFERENCES queues(id),
    assignee_id BIGINT REFERENCES users(id),
    -- JSON technical file
    technical_file TEXT NOT NULL,
    third_party_editor_id BIGINT REFERENCES organisations(id),
    third_party_reference TEXT,
    escalation_justification TEXT
        CHECK (escalation_justification IN ('proven_malfunction', 'unresolved_at_level_1')),
    -- the vendor the ticket was handed to, once: from then on it may see the ticket
    vendor_id BIGINT REFERENCES organisations(id),
    is_major BOOLEAN NOT NULL DEFAULT FALSE,
    parent_id BIGINT REFERENCES tickets(id),
    reopen_count INTEGER NOT NULL DEFAULT 0,
    resolution TEXT,
    resolved_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- bumped by every write: the ETag
    version INTEGER NOT NULL,
    CHECK ((status = 'pending') = (pending_reason IS NOT NULL))
);
-- queue views: by queue, priority then age
CREATE INDEX tickets_queue_view ON tickets (current_queue_id, priority, created_at, id);
CREATE INDEX tickets_by_establishment ON tickets (establishment_uai, priority, created_at, id);
CREATE INDEX tickets_by_owner_queue ON tickets (owner_queue_id, priority, created_at, id);
CREATE INDEX tickets_by_vendor ON tickets (vendor_id, priority, created_at, id);
CREATE INDEX tickets_by_parent ON tickets (parent_id);
CREATE INDEX tickets_by_status ON tickets (status, resolved_at);

-- The journal: every change, comment and answer, immutable.
CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    occurred_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    actor_user_id BIGINT REFERENCES users(id),
    actor_client_id TEXT,
    actor_label TEXT NOT NULL,
    actor_organisation_id BIGINT REFERENCES organisations(id),
    body TEXT,
    -- JSON details of the change
    data TEXT NOT NULL
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);

-- A stay of the ticket in a queue of an organisation.
CREATE TABLE ticket_hops (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    from_queue_id BIGINT REFERENCES queues(id),
    to_queue_id BIGINT NOT NULL REFERENCES queues(id),
    reason TEXT NOT NULL,
    routing_rule_id BIGINT,
    entered_at TIMESTAMP NOT NULL,
    first_response_at TIMESTAMP,
    left_at TIMESTAMP,
    refused_reason TEXT
);
CREATE INDEX ticket_hops_by_ticket ON ticket_hops (ticket_id, id);
CREATE INDEX ticket_hops_by_queue ON ticket_hops (to_queue_id, ticket_id);

-- An authority's ordered routing rules.
CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    authority_id BIGINT NOT NULL REFERENCES organisations(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    -- applies when the ticket is opened (direct level 1), not only at qualification
    at_opening BOOLEAN NOT NULL,
    category_code TEXT REFERENCES categories(code),
    category_domain TEXT CHECK (category_domain IN ('guichet','usage','identity','network_hardware','vie_scolaire','vendor_support','third_party')),
    establishment_kind TEXT CHECK (establishment_kind IN ('ecole','college','lycee','lycee_professionnel','eplefpa')),
    sector TEXT CHECK (sector IN ('public', 'private_under_contract')),
    vie_scolaire_module BOOLEAN,
    target_kind TEXT NOT NULL CHECK (target_kind IN
        ('queue', 'collectivite_in_charge', 'vendor_vie_scolaire', 'authority_domain', 'third_party_editor')),
    target_queue_id BIGINT REFERENCES queues(id),
    target_domain TEXT CHECK (target_domain IN ('guichet','usage','identity','network_hardware','vie_scolaire','vendor_support','third_party')),
    target_editor_id BIGINT REFERENCES organisations(id),
    active BOOLEAN NOT NULL,
    UNIQUE (authority_id, position),
    CHECK ((target_kind = 'queue') = (target_queue_id IS NOT NULL)),
    CHECK ((target_kind = 'authority_domain') = (target_domain IS NOT NULL)),
    CHECK ((target_kind = 'third_party_editor') = (target_editor_id IS NOT NULL))
);

-- The technical-file elements an escalation to the vendor needs, per category.
CREATE TABLE technical_file_requirements (
    category_code TEXT NOT NULL REFERENCES categories(code),
    element TEXT NOT NULL CHECK (element IN ('affected_profiles','users_affected','browser_device','occurred_at','steps_to_reproduce','error_message','url')),
    PRIMARY KEY (category_code, element)
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    event_id BIGINT REFERENCES ticket_events(id),
    filename TEXT NOT NULL,
    -- sniffed from the content, not taken from the client
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    -- relative to the data directory
    storage_path TEXT NOT NULL,
    uploaded_by_label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_by_ticket ON attachments (ticket_id, id);

-- Idempotency-Key of creating POSTs: a replay answers the first response.
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- who used the key (user:<id> or client:<id>) and on which route
    owner TEXT NOT NULL,
    route TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    -- NULL while the first request is in flight
    response_status INTEGER,
    response_body TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (owner, route, idem_key)
);

CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;
