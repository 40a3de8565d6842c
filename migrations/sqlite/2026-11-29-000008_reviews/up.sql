-- Incident reviews of a territory for a steering body over a period, with the organisations
-- that took part; the figures are frozen in `snapshot` (JSON) when the review is published.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    audience TEXT NOT NULL CHECK (audience IN ('costra', 'comite_coordination', 'cotec', 'cellule_crise')),
    title TEXT NOT NULL,
    period_from TIMESTAMP NOT NULL,
    period_to TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'held', 'published')),
    snapshot TEXT,
    held_at TIMESTAMP,
    published_at TIMESTAMP,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (period_to > period_from),
    CHECK ((status = 'published') = (snapshot IS NOT NULL))
);
CREATE INDEX reviews_by_territory ON reviews (territory_code, period_from);

CREATE TABLE review_participants (
    review_id BIGINT NOT NULL REFERENCES reviews(id),
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (review_id, organisation_id)
);

-- What a review decided to improve; an action stays on the following reviews of the
-- territory until it is done or dropped.
CREATE TABLE improvement_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id BIGINT NOT NULL REFERENCES reviews(id),
    territory_code TEXT NOT NULL REFERENCES territories(code),
    title TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES organisations(id),
    due_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX improvement_actions_by_territory ON improvement_actions (territory_code, status);
CREATE INDEX improvement_actions_by_review ON improvement_actions (review_id);

CREATE TABLE improvement_action_tickets (
    action_id BIGINT NOT NULL REFERENCES improvement_actions(id),
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    PRIMARY KEY (action_id, ticket_id)
);
