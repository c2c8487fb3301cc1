DROP TABLE jobs;
DROP TABLE held_imports;
DROP TABLE rate_limits;
