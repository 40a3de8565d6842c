-- The views by priority then age: unfiltered (an agent's every ticket), the planner walks
-- the tickets in that order and stops at the page's end instead of sorting every ticket
-- the agent may see (visibility is an OR of queues, hops and schools, which no other index
-- serves in this order); filtered by status (the new ones, the pending ones), the same
-- order within that status.
CREATE INDEX tickets_by_priority ON tickets (priority, created_at, id);
CREATE INDEX tickets_by_status_priority ON tickets (status, priority, created_at, id);
