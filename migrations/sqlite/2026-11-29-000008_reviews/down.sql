DROP TABLE improvement_action_tickets;
DROP TABLE improvement_actions;
DROP TABLE review_participants;
DROP TABLE reviews;
