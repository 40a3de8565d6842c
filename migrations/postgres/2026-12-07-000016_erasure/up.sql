-- Erasing a person (GDPR art. 17) and anonymising old tickets must rewrite the text of the
-- append-only journals (a name in a comment, an email in an audit entry). Their facts (which
-- ticket, what happened, when, by which account id) stay fixed for ever; their text may be
-- rewritten only inside a transaction that holds an anonymisation permit, a row it inserts
-- first and deletes before it commits (invisible to any other transaction).
CREATE TABLE anonymisation_permits (
    id BIGINT PRIMARY KEY,
    reason TEXT NOT NULL
);

CREATE OR REPLACE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM anonymisation_permits)
       AND NEW.id = OLD.id AND NEW.ticket_id = OLD.ticket_id
       AND NEW.occurred_at = OLD.occurred_at AND NEW.kind = OLD.kind
       AND NEW.visibility = OLD.visibility
       AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
       AND NEW.actor_client_id IS NOT DISTINCT FROM OLD.actor_client_id
       AND NEW.actor_organisation_id IS NOT DISTINCT FROM OLD.actor_organisation_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ticket_events is append-only';
END;
$$;

CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM anonymisation_permits)
       AND NEW.id = OLD.id AND NEW.occurred_at = OLD.occurred_at
       AND NEW.action = OLD.action AND NEW.outcome = OLD.outcome
       AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
       AND NEW.actor_client_id IS NOT DISTINCT FROM OLD.actor_client_id
       AND NEW.territory_code IS NOT DISTINCT FROM OLD.territory_code THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;

-- Closed and cancelled tickets are anonymised once their retention is over (the end of the
-- school year after next, by default): the figures keep them, their text and people go.
ALTER TABLE tickets ADD COLUMN anonymised_at TIMESTAMP;
CREATE INDEX tickets_awaiting_anonymisation ON tickets (updated_at)
    WHERE anonymised_at IS NULL AND status IN ('closed', 'cancelled');
