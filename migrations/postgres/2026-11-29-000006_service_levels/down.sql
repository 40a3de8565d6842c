ALTER TABLE outbox DROP CONSTRAINT outbox_notice_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_notice_check CHECK (notice IN ('ticket_acknowledged', 'queue_arrival',
        'hand_off_refused', 'vendor_question', 'vendor_answer', 'agent_comment',
        'information_requested', 'resolved', 'reopened', 'major_declared', 'major_resolved',
        'queue_digest'));
DROP TABLE service_level_clocks;
DROP INDEX tickets_queue_by_due;
ALTER TABLE tickets DROP COLUMN breached;
ALTER TABLE tickets DROP COLUMN next_due_at;
ALTER TABLE tickets DROP COLUMN service_level_policy_id;
DROP TABLE service_level_policies;
