DROP INDEX tickets_level_view;
