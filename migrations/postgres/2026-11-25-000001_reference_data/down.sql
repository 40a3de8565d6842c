DROP TABLE school_holidays;
DROP TABLE categories;
DROP TABLE queues;
DROP TABLE establishments;
ALTER TABLE territories DROP CONSTRAINT territories_vendor_fk;
DROP TABLE organisations;
DROP TABLE territories;
