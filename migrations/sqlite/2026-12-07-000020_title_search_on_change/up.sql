-- The title index is rewritten only when the title's search key changes. `AFTER UPDATE OF
-- title_search` fires whenever an UPDATE names the column, and a ticket's write names every
-- column: each step of a ticket deleted and inserted its trigrams again.
DROP TRIGGER tickets_title_search_update;
CREATE TRIGGER tickets_title_search_update AFTER UPDATE OF title_search ON tickets
WHEN old.title_search IS NOT new.title_search BEGIN
    INSERT INTO tickets_title_search (tickets_title_search, rowid, title_search)
        VALUES ('delete', old.id, old.title_search);
    INSERT INTO tickets_title_search (rowid, title_search) VALUES (new.id, new.title_search);
END;
