-- Each organisation's data protection officer (DPD), told of every breach of its territory.
ALTER TABLE organisations ADD COLUMN dpo_email TEXT;
-- The département a départemental collectivité is in charge of (art. 7 names it the
-- controller of a breach affecting all the département's users).
ALTER TABLE organisations ADD COLUMN departement TEXT;
UPDATE organisations SET departement = substr(code, 5)
 WHERE kind = 'collectivite' AND collectivite_subkind = 'departement' AND code LIKE 'dep-%';

-- Personal-data breaches: what happened, whom it affects, the controller the scope
-- designates, the 72-hour deadline, and the controller's decision once recorded.
CREATE TABLE personal_data_breaches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    ticket_id BIGINT REFERENCES tickets(id),
    nature TEXT NOT NULL,
    people_categories TEXT NOT NULL,
    people_count BIGINT NOT NULL CHECK (people_count >= 0),
    record_categories TEXT NOT NULL,
    record_count BIGINT NOT NULL CHECK (record_count >= 0),
    scope TEXT NOT NULL CHECK (scope IN ('territory', 'academie', 'departement', 'establishments')),
    scope_organisation_id BIGINT REFERENCES organisations(id),
    scope_establishments TEXT NOT NULL,
    controller_kind TEXT NOT NULL CHECK (controller_kind IN ('region', 'academic_authority', 'departement_collectivite', 'heads_of_establishment')),
    controller_organisation_id BIGINT REFERENCES organisations(id),
    aware_at TIMESTAMP NOT NULL,
    deadline_at TIMESTAMP NOT NULL,
    declared_by_user_id BIGINT REFERENCES users(id),
    declared_by TEXT NOT NULL,
    declared_at TIMESTAMP NOT NULL,
    alert_stage INTEGER NOT NULL DEFAULT 0,
    outcome TEXT CHECK (outcome IN ('notified', 'not_notified')),
    notified_at TIMESTAMP,
    cnil_reference TEXT,
    outcome_reason TEXT,
    outcome_recorded_by TEXT,
    outcome_recorded_at TIMESTAMP,
    CHECK ((outcome IS NULL) = (outcome_recorded_at IS NULL)),
    CHECK (outcome IS NULL OR outcome <> 'notified' OR (notified_at IS NOT NULL AND cnil_reference IS NOT NULL)),
    CHECK (outcome IS NULL OR outcome <> 'not_notified' OR outcome_reason IS NOT NULL)
);
CREATE INDEX personal_data_breaches_by_territory ON personal_data_breaches (territory_code, aware_at);
-- The deadline job reads only the breaches still waiting for their decision.
CREATE INDEX personal_data_breaches_waiting ON personal_data_breaches (deadline_at) WHERE outcome IS NULL;

-- What was declared and decided never changes; the alert stage and the decision, once,
-- are all that a breach's row takes afterwards.
CREATE TRIGGER personal_data_breaches_facts_fixed BEFORE UPDATE ON personal_data_breaches
WHEN NEW.territory_code IS NOT OLD.territory_code OR NEW.ticket_id IS NOT OLD.ticket_id
  OR NEW.nature IS NOT OLD.nature OR NEW.people_categories IS NOT OLD.people_categories
  OR NEW.people_count IS NOT OLD.people_count OR NEW.record_categories IS NOT OLD.record_categories
  OR NEW.record_count IS NOT OLD.record_count OR NEW.scope IS NOT OLD.scope
  OR NEW.scope_organisation_id IS NOT OLD.scope_organisation_id
  OR NEW.scope_establishments IS NOT OLD.scope_establishments
  OR NEW.controller_kind IS NOT OLD.controller_kind
  OR NEW.controller_organisation_id IS NOT OLD.controller_organisation_id
  OR NEW.aware_at IS NOT OLD.aware_at OR NEW.deadline_at IS NOT OLD.deadline_at
  OR NEW.declared_at IS NOT OLD.declared_at
  OR (OLD.outcome IS NOT NULL AND (NEW.outcome IS NOT OLD.outcome
      OR NEW.notified_at IS NOT OLD.notified_at OR NEW.cnil_reference IS NOT OLD.cnil_reference
      OR NEW.outcome_reason IS NOT OLD.outcome_reason
      OR NEW.outcome_recorded_at IS NOT OLD.outcome_recorded_at))
BEGIN
    SELECT RAISE(ABORT, 'personal_data_breaches: a declared breach and its recorded decision cannot be altered');
END;
CREATE TRIGGER personal_data_breaches_kept BEFORE DELETE ON personal_data_breaches
BEGIN
    SELECT RAISE(ABORT, 'personal_data_breaches: a breach is never deleted');
END;

-- The breach's journal, append-only (only a person's name may be anonymised in it).
CREATE TABLE personal_data_breach_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    breach_id BIGINT NOT NULL REFERENCES personal_data_breaches(id),
    kind TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users(id),
    actor_label TEXT NOT NULL,
    body TEXT NOT NULL,
    data TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX personal_data_breach_events_by_breach ON personal_data_breach_events (breach_id, id);
CREATE TRIGGER personal_data_breach_events_append_only BEFORE UPDATE ON personal_data_breach_events
WHEN NEW.id IS NOT OLD.id OR NEW.breach_id IS NOT OLD.breach_id OR NEW.kind IS NOT OLD.kind
  OR NEW.body IS NOT OLD.body OR NEW.data IS NOT OLD.data OR NEW.occurred_at IS NOT OLD.occurred_at
BEGIN
    SELECT RAISE(ABORT, 'personal_data_breach_events is append-only');
END;
CREATE TRIGGER personal_data_breach_events_kept BEFORE DELETE ON personal_data_breach_events
BEGIN
    SELECT RAISE(ABORT, 'personal_data_breach_events is append-only');
END;

-- Requests to exercise a data subject's rights, as the party that received them recorded
-- them: the scope of the people concerned designates the competent controller (the rule of
-- breaches), to which a request received elsewhere is forwarded at once; the answer is due
-- one month after receipt (GDPR art. 12.3).
CREATE TABLE rights_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    ticket_id BIGINT REFERENCES tickets(id),
    data_subject_right TEXT NOT NULL CHECK (data_subject_right IN ('access', 'rectification', 'erasure', 'restriction', 'portability', 'objection')),
    summary TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    received_by_organisation_id BIGINT REFERENCES organisations(id),
    received_by_user_id BIGINT REFERENCES users(id),
    received_by TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('territory', 'academie', 'departement', 'establishments')),
    scope_organisation_id BIGINT REFERENCES organisations(id),
    scope_establishments TEXT NOT NULL,
    controller_kind TEXT NOT NULL CHECK (controller_kind IN ('region', 'academic_authority', 'departement_collectivite', 'heads_of_establishment')),
    controller_organisation_id BIGINT REFERENCES organisations(id),
    forwarded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX rights_requests_by_territory ON rights_requests (territory_code, received_at);

CREATE TABLE rights_request_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id BIGINT NOT NULL REFERENCES rights_requests(id),
    kind TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users(id),
    actor_label TEXT NOT NULL,
    body TEXT NOT NULL,
    data TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX rights_request_events_by_request ON rights_request_events (request_id, id);

-- The data protection notices: a breach's to its controller, its reminders and to the DPDs;
-- a rights request forwarded to its competent controller.
-- SQLite changes a CHECK by rebuilding the table.
CREATE TABLE outbox_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT REFERENCES tickets(id),
    -- The journal event announced.
    event_id BIGINT REFERENCES ticket_events(id),
    notice TEXT NOT NULL CHECK (notice IN ('ticket_acknowledged', 'queue_arrival',
        'hand_off_refused', 'vendor_question', 'vendor_answer', 'agent_comment',
        'information_requested', 'resolved', 'reopened', 'major_declared', 'major_resolved',
        'queue_digest', 'service_level_warning', 'service_level_breach', 'review_drafted',
        'monthly_figures', 'breach_to_notify', 'breach_deadline', 'breach_dpo_information',
        'rights_request_forwarded')),
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
