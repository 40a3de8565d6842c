DROP INDEX tickets_by_territory;
