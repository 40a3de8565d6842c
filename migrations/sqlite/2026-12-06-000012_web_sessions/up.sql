-- The web desk's sign-ins: the browser holds an opaque token in a cookie, the row its
-- digest. A row ends with logout, with its expiry, or when the user's token version moves
-- (password change, disabling, logout everywhere).
CREATE TABLE web_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    -- SHA-256 of the cookie's token, hex
    token_hash TEXT NOT NULL UNIQUE,
    -- the user's token version when signing in
    token_version INTEGER NOT NULL,
    -- the token every form of this session carries
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
