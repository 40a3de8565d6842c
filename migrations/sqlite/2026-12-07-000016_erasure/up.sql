-- Erasing a person (GDPR art. 17) and anonymising old tickets must rewrite the text of the
-- append-only journals (a name in a comment, an email in an audit entry). Their facts (which
-- ticket, what happened, when, by which account id) stay fixed for ever; their text may be
-- rewritten only inside a transaction that holds an anonymisation permit, a row it inserts
-- first and deletes before it commits (invisible to any other transaction).
CREATE TABLE anonymisation_permits (
    id INTEGER PRIMARY KEY,
    reason TEXT NOT NULL
);

DROP TRIGGER ticket_events_no_update;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
WHEN NOT EXISTS (SELECT 1 FROM anonymisation_permits)
  OR NEW.id IS NOT OLD.id OR NEW.ticket_id IS NOT OLD.ticket_id
  OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.kind IS NOT OLD.kind
  OR NEW.visibility IS NOT OLD.visibility OR NEW.actor_user_id IS NOT OLD.actor_user_id
  OR NEW.actor_client_id IS NOT OLD.actor_client_id
  OR NEW.actor_organisation_id IS NOT OLD.actor_organisation_id
BEGIN
    SELECT RAISE(ABORT, 'ticket_events is append-only');
END;

DROP TRIGGER audit_events_no_update;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM anonymisation_permits)
  OR NEW.id IS NOT OLD.id OR NEW.occurred_at IS NOT OLD.occurred_at
  OR NEW.action IS NOT OLD.action OR NEW.outcome IS NOT OLD.outcome
  OR NEW.actor_user_id IS NOT OLD.actor_user_id OR NEW.actor_client_id IS NOT OLD.actor_client_id
  OR NEW.territory_code IS NOT OLD.territory_code
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

-- Closed and cancelled tickets are anonymised once their retention is over (the end of the
-- school year after next, by default): the figures keep them, their text and people go.
ALTER TABLE tickets ADD COLUMN anonymised_at TIMESTAMP;
CREATE INDEX tickets_awaiting_anonymisation ON tickets (updated_at)
    WHERE anonymised_at IS NULL AND status IN ('closed', 'cancelled');
