-- Identity and access: users, role grants with their scope, refresh tokens, service
-- accounts of vendor integrations, and the append-only security audit log.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- stored lower-case
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    -- argon2id PHC string; NULL: no local password (SSO only, or not set yet)
    password_hash TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    -- bumped by logout and by disabling: access tokens of an older version are refused
    token_version INTEGER NOT NULL DEFAULT 0,
    -- the territory whose admins manage this user; NULL: global admins only
    territory_code TEXT REFERENCES territories(code),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_by_territory ON users (territory_code, id);

CREATE TABLE role_grants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('correspondent','guichet_agent','authority_agent','collectivite_agent','vendor_agent','steering','admin')),
    establishment_uai TEXT REFERENCES establishments(uai),
    organisation_id BIGINT REFERENCES organisations(id),
    territory_code TEXT REFERENCES territories(code),
    granted_at TIMESTAMP NOT NULL,
    -- each role has exactly its kind of scope (admin: a territory, or none for global)
    CHECK (
        (role = 'correspondent' AND establishment_uai IS NOT NULL
            AND organisation_id IS NULL AND territory_code IS NULL)
        OR (role IN ('guichet_agent', 'authority_agent', 'collectivite_agent', 'vendor_agent')
            AND organisation_id IS NOT NULL AND establishment_uai IS NULL AND territory_code IS NULL)
        OR (role = 'steering' AND territory_code IS NOT NULL
            AND establishment_uai IS NULL AND organisation_id IS NULL)
        OR (role = 'admin' AND establishment_uai IS NULL AND organisation_id IS NULL)
    )
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants (
    user_id, role, COALESCE(establishment_uai, ''), COALESCE(organisation_id, 0),
    COALESCE(territory_code, '')
);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    -- every rotation of one login shares a family; reuse of a spent token revokes it whole
    family TEXT NOT NULL,
    -- SHA-256 of the opaque token, hex
    token_hash TEXT NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);

CREATE TABLE service_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL UNIQUE,
    -- SHA-256 of the 256-bit random secret, hex (the secret is shown once)
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    vendor_id BIGINT NOT NULL REFERENCES organisations(id),
    territory_code TEXT NOT NULL REFERENCES territories(code),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX service_accounts_by_territory ON service_accounts (territory_code, id);

-- Append-only (triggers below refuse UPDATE and DELETE). No foreign keys: the log
-- outlives what it names.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    actor_user_id BIGINT,
    actor_client_id TEXT,
    -- what the actor presented: an email as typed, a client id
    actor_label TEXT,
    -- whose admins may read the event; NULL: global admins only
    territory_code TEXT,
    target TEXT,
    client_address TEXT,
    -- JSON object
    detail TEXT NOT NULL
);
CREATE INDEX audit_events_by_territory ON audit_events (territory_code, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
