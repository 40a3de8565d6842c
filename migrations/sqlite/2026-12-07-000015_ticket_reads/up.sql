-- Who read what: every read of a ticket, its journal, its hops or an attachment, through the
-- API or the web desk. Append-only: a row is never changed; the housekeeping deletes the rows
-- older than the retention setting (12 months by default), and nothing else deletes any.
-- The reader is kept by id (a user) or client id (a service account), never by name, so that
-- erasing a person leaves no name here.
CREATE TABLE ticket_reads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    read_at TIMESTAMP NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    -- The ticket's territory, copied so that an admin's listing of its territory walks one
    -- index newest first instead of joining every read to its ticket.
    territory_code TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    client_id TEXT,
    part TEXT NOT NULL CHECK (part IN ('ticket', 'journal', 'hops', 'attachments', 'attachment', 'page')),
    attachment_id BIGINT,
    channel TEXT NOT NULL CHECK (channel IN ('api', 'web')),
    client_address TEXT,
    CHECK ((user_id IS NULL) <> (client_id IS NULL))
);
CREATE INDEX ticket_reads_by_ticket ON ticket_reads (ticket_id, id);
CREATE INDEX ticket_reads_by_user ON ticket_reads (user_id, territory_code, id) WHERE user_id IS NOT NULL;
CREATE INDEX ticket_reads_by_territory ON ticket_reads (territory_code, id);
CREATE INDEX ticket_reads_by_age ON ticket_reads (read_at);
CREATE TRIGGER ticket_reads_append_only BEFORE UPDATE ON ticket_reads
BEGIN
    SELECT RAISE(ABORT, 'ticket_reads is append-only');
END;
