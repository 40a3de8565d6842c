-- The figures of a territory read its tickets by opening date (GET /stats, the reviews);
-- its major incidents of a period too.
CREATE INDEX tickets_by_territory ON tickets (territory_code, created_at);
