DROP INDEX tickets_by_status_priority;
DROP INDEX tickets_by_priority;
