-- The title search: an FTS5 index of the titles' search keys (lower case, without accents),
-- cut in trigrams, so that `LIKE '%words%'` finds the matching tickets from the index instead
-- of reading every title. External content: the index keeps no copy of the text, and the
-- triggers keep it in step with the tickets.
CREATE VIRTUAL TABLE tickets_title_search USING fts5(
    title_search,
    content = 'tickets',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO tickets_title_search (tickets_title_search) VALUES ('rebuild');

CREATE TRIGGER tickets_title_search_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_title_search (rowid, title_search) VALUES (new.id, new.title_search);
END;
CREATE TRIGGER tickets_title_search_update AFTER UPDATE OF title_search ON tickets BEGIN
    INSERT INTO tickets_title_search (tickets_title_search, rowid, title_search)
        VALUES ('delete', old.id, old.title_search);
    INSERT INTO tickets_title_search (rowid, title_search) VALUES (new.id, new.title_search);
END;
CREATE TRIGGER tickets_title_search_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_title_search (tickets_title_search, rowid, title_search)
        VALUES ('delete', old.id, old.title_search);
END;
