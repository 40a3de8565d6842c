-- The title search: a trigram index of the titles' search keys (lower case, without
-- accents), so that `LIKE '%words%'` finds the matching tickets from the index instead of
-- reading every title. pg_trgm ships with PostgreSQL and is a trusted extension: the
-- database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX tickets_title_trigrams ON tickets USING gin (title_search gin_trgm_ops);
