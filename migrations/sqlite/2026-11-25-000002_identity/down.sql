DROP TRIGGER audit_events_no_update;
DROP TRIGGER audit_events_no_delete;
DROP TABLE audit_events;
DROP TABLE service_accounts;
DROP TABLE refresh_tokens;
DROP TABLE role_grants;
DROP TABLE users;
