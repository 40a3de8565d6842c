-- Reference data of the support chain: territories, organisations, establishments,
-- queues, ticket categories and school holiday calendars.

CREATE TABLE territories (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    ent_name TEXT NOT NULL,
    holiday_zone TEXT NOT NULL CHECK (holiday_zone IN ('A','B','C')),
    -- the ENT vendor (titulaire du marché) of the territory; set once organisations exist
    vendor_id BIGINT REFERENCES organisations(id),
    -- availability commitments in basis points: 9970 = 99.70 %
    availability_in_window_bp INTEGER NOT NULL CHECK (availability_in_window_bp BETWEEN 0 AND 10000),
    availability_out_of_window_bp INTEGER NOT NULL CHECK (availability_out_of_window_bp BETWEEN 0 AND 10000),
    -- in-window definition: ISO weekdays (1 = Monday) as '1,2,3,4,5', minutes after midnight
    window_weekdays TEXT NOT NULL,
    window_opens_minute INTEGER NOT NULL CHECK (window_opens_minute BETWEEN 0 AND 1439),
    window_closes_minute INTEGER NOT NULL CHECK (window_closes_minute BETWEEN 0 AND 1439),
    window_excludes_school_holidays BOOLEAN NOT NULL,
    timezone TEXT NOT NULL,
    CHECK (window_opens_minute < window_closes_minute)
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('academic_authority','agricultural_authority','collectivite','vendor','software_editor')),
    collectivite_subkind TEXT CHECK (collectivite_subkind IN ('region','departement','commune','public_body')),
    name TEXT NOT NULL,
    territory_code TEXT REFERENCES territories(code),
    parent_id BIGINT REFERENCES organisations(id),
    contact_email TEXT,
    -- school holiday zone of an authority's establishments
    holiday_zone TEXT CHECK (holiday_zone IN ('A','B','C')),
    CHECK ((kind = 'collectivite') = (collectivite_subkind IS NOT NULL))
);
CREATE INDEX organisations_by_territory ON organisations (territory_code, kind);
CREATE INDEX organisations_by_kind ON organisations (kind);

CREATE TABLE establishments (
    uai TEXT PRIMARY KEY NOT NULL CHECK (length(uai) = 8),
    name TEXT NOT NULL,
    -- lower-case, accent-free name and UAI, for portable text search
    search_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ecole','college','lycee','lycee_professionnel','eplefpa')),
    sector TEXT NOT NULL CHECK (sector IN ('public','private_under_contract')),
    authority_id BIGINT NOT NULL REFERENCES organisations(id),
    collectivite_id BIGINT NOT NULL REFERENCES organisations(id),
    departement TEXT NOT NULL,
    uses_vie_scolaire_module BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX establishments_by_authority ON establishments (authority_id, uai);
CREATE INDEX establishments_by_collectivite ON establishments (collectivite_id, uai);
CREATE INDEX establishments_by_kind ON establishments (kind, uai);

CREATE TABLE queues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    domain TEXT NOT NULL CHECK (domain IN ('guichet','usage','identity','network_hardware','vie_scolaire','vendor_support','third_party'))
);
CREATE INDEX queues_by_organisation ON queues (organisation_id, level);

CREATE TABLE categories (
    code TEXT PRIMARY KEY NOT NULL,
    label TEXT NOT NULL,
    domain TEXT NOT NULL CHECK (domain IN ('guichet','usage','identity','network_hardware','vie_scolaire','vendor_support','third_party')),
    default_type TEXT NOT NULL CHECK (default_type IN ('incident','request'))
);

-- A school holiday: the days without classes, both ends included.
CREATE TABLE school_holidays (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    zone TEXT NOT NULL CHECK (zone IN ('A','B','C')),
    school_year TEXT NOT NULL,
    name TEXT NOT NULL,
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    CHECK (first_day <= last_day),
    UNIQUE (zone, school_year, name)
);
CREATE INDEX school_holidays_by_zone ON school_holidays (zone, first_day);
