DROP INDEX tickets_title_trigrams;
