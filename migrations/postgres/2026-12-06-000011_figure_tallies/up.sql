-- Figures kept up to date as tickets and clocks change, so that a territory-year reads a few
-- thousand rows instead of recounting every ticket and clock of the year.

-- The instant that places a stopped clock in a period: its stay's beginning, its ticket's
-- opening (response) or resolution (resolution). Kept on the clock, because a reopening
-- clears the ticket's resolution instant before the clock's old tally is taken back.
ALTER TABLE service_level_clocks ADD COLUMN counted_at TIMESTAMP;
UPDATE service_level_clocks SET counted_at = CASE
    WHEN hop_id IS NOT NULL THEN
        (SELECT h.entered_at FROM ticket_hops h WHERE h.id = service_level_clocks.hop_id)
    WHEN kind = 'response' THEN
        (SELECT t.created_at FROM tickets t WHERE t.id = service_level_clocks.ticket_id)
    ELSE (SELECT t.resolved_at FROM tickets t WHERE t.id = service_level_clocks.ticket_id)
END
WHERE stopped;

-- Tickets opened and resolved per local day of their territory, by what the figures group
-- them by. Every write that changes a ticket's part adds rows (+n, -n) and never updates one,
-- so writers never wait on each other here; a job merges a day's rows into one per group.
CREATE TABLE ticket_tallies (
    id BIGSERIAL PRIMARY KEY,
    territory_code TEXT NOT NULL,
    day DATE NOT NULL,
    measure TEXT NOT NULL, -- opened, resolved
    level INTEGER NOT NULL,
    queue_id BIGINT NOT NULL,
    category_code TEXT NOT NULL,
    school_kind TEXT NOT NULL,
    escalated BOOLEAN NOT NULL,
    cancelled BOOLEAN NOT NULL,
    reopened BOOLEAN NOT NULL,
    tickets BIGINT NOT NULL,
    merged BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ticket_tallies_by_day ON ticket_tallies (territory_code, day);
CREATE INDEX ticket_tallies_unmerged ON ticket_tallies (territory_code, day) WHERE NOT merged;

-- Stopped clocks per local day of their counting instant, by whose clock, kind, priority,
-- breach and whole minutes used (minutes round monotonically: the percentiles read from these
-- counts are those of the clocks themselves).
CREATE TABLE clock_tallies (
    id BIGSERIAL PRIMARY KEY,
    territory_code TEXT NOT NULL,
    day DATE NOT NULL,
    stay BOOLEAN NOT NULL,
    organisation_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('response', 'resolution')),
    priority INTEGER NOT NULL,
    breached BOOLEAN NOT NULL,
    minutes BIGINT NOT NULL,
    clocks BIGINT NOT NULL,
    merged BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX clock_tallies_by_day ON clock_tallies (territory_code, day);
CREATE INDEX clock_tallies_unmerged ON clock_tallies (territory_code, day) WHERE NOT merged;

-- Refused hand-offs of a period are read from the hops' side.
CREATE INDEX ticket_hops_refused ON ticket_hops (left_at) WHERE refused_reason IS NOT NULL;
