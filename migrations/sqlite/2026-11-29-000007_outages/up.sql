-- Outages of the services whose availability the conventions commit to, per territory (or
-- one académie of it): written by the authorities' agents, or opened when a major incident
-- is declared and ended when it is resolved.
CREATE TABLE outages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    -- the académie (an academic authority) when only it was concerned; NULL: the territory
    academie_id BIGINT REFERENCES organisations(id),
    service TEXT NOT NULL CHECK (service IN ('ent_platform', 'authentication', 'directory_feed')),
    started_at TIMESTAMP NOT NULL,
    -- NULL while it lasts
    ended_at TIMESTAMP,
    major_incident_id BIGINT REFERENCES tickets(id),
    description TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    CHECK (ended_at IS NULL OR ended_at > started_at)
);
CREATE INDEX outages_by_territory ON outages (territory_code, started_at);
CREATE INDEX outages_by_major_incident ON outages (major_incident_id);
