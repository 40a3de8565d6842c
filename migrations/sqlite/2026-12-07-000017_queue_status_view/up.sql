-- A queue's page filtered by status (its new tickets, its pending ones), in the page's order
-- (priority, age): the planner walks this index from the page's start and stops at its end,
-- instead of ANDing the queue's and the status's indexes over every ticket of the queue and
-- sorting the matches, which grew with the size of the queue.
CREATE INDEX tickets_queue_status_view ON tickets (current_queue_id, status, priority, created_at, id);
