DROP INDEX ticket_hops_refused;
DROP TABLE clock_tallies;
DROP TABLE ticket_tallies;
ALTER TABLE service_level_clocks DROP COLUMN counted_at;
