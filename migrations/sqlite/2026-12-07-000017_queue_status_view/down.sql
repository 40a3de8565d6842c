DROP INDEX tickets_queue_status_view;
