DROP TRIGGER tickets_title_search_update;
CREATE TRIGGER tickets_title_search_update AFTER UPDATE OF title_search ON tickets BEGIN
    INSERT INTO tickets_title_search (tickets_title_search, rowid, title_search)
        VALUES ('delete', old.id, old.title_search);
    INSERT INTO tickets_title_search (rowid, title_search) VALUES (new.id, new.title_search);
END;
