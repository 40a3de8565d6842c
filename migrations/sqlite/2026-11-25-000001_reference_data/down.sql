DROP TABLE school_holidays;
DROP TABLE categories;
DROP TABLE queues;
DROP TABLE establishments;
UPDATE territories SET vendor_id = NULL;
DROP TABLE organisations;
DROP TABLE territories;
