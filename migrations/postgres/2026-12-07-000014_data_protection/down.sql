DELETE FROM outbox WHERE notice IN ('breach_to_notify', 'breach_deadline', 'breach_dpo_information',
    'rights_request_forwarded');
ALTER TABLE outbox DROP CONSTRAINT outbox_notice_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_notice_check CHECK (notice IN ('ticket_acknowledged', 'queue_arrival',
        'hand_off_refused', 'vendor_question', 'vendor_answer', 'agent_comment',
        'information_requested', 'resolved', 'reopened', 'major_declared', 'major_resolved',
        'queue_digest', 'service_level_warning', 'service_level_breach',
        'review_drafted', 'monthly_figures'));

DROP TABLE rights_request_events;
DROP TABLE rights_requests;
DROP TABLE personal_data_breach_events;
DROP TABLE personal_data_breaches;
DROP FUNCTION guichet_refuse_change();
ALTER TABLE organisations DROP COLUMN departement;
ALTER TABLE organisations DROP COLUMN dpo_email;
