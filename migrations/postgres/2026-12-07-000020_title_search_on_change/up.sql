-- Nothing to do on PostgreSQL: its trigram index has no trigger (the SQLite migration of
-- the same name keeps SQLite's title index from being rewritten at every ticket write).
SELECT 1;
