-- Exact device counts without counting a million rows: the device list's totalCount and the
-- counts by status read this table, kept by triggers in the same transaction as every change
-- to devices (docs/performance.md, "Lists at a million"). Each statement that inserts, deletes
-- or moves devices between (status, kind) appends its net change as rows; a count is the sum
-- of its rows. Appending instead of updating one row per (status, kind) means concurrent
-- intakes and transitions never wait for each other nor deadlock on the counters. The server's
-- daily job folds the rows back into one per (status, kind) (refurb_fold_device_counts).
CREATE TABLE device_counts (
  status text NOT NULL,
  kind   text NOT NULL,
  n      bigint NOT NULL
);
CREATE INDEX device_counts_status_kind_idx ON device_counts (status, kind);
GRANT SELECT, INSERT ON device_counts TO refurb_app;

INSERT INTO device_counts (status, kind, n) SELECT status, kind, count(*) FROM devices GROUP BY status, kind;

CREATE FUNCTION devices_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO device_counts (status, kind, n) SELECT status, kind, count(*) FROM new_rows GROUP BY status, kind;
  RETURN NULL;
END $$;

CREATE FUNCTION devices_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO device_counts (status, kind, n) SELECT status, kind, -count(*) FROM old_rows GROUP BY status, kind;
  RETURN NULL;
END $$;

-- Updates that leave status and kind as they were (most of them) add nothing.
CREATE FUNCTION devices_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO device_counts (status, kind, n)
  SELECT status, kind, sum(n) FROM (
    SELECT o.status, o.kind, -1 AS n FROM old_rows o JOIN new_rows w USING (id) WHERE (o.status, o.kind) IS DISTINCT FROM (w.status, w.kind)
    UNION ALL
    SELECT w.status, w.kind, 1 FROM old_rows o JOIN new_rows w USING (id) WHERE (o.status, o.kind) IS DISTINCT FROM (w.status, w.kind)
  ) c GROUP BY status, kind HAVING sum(n) <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER devices_count_insert AFTER INSERT ON devices REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION devices_count_insert();
CREATE TRIGGER devices_count_delete AFTER DELETE ON devices REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION devices_count_delete();
CREATE TRIGGER devices_count_update AFTER UPDATE ON devices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION devices_count_update();

-- refurb_fold_device_counts replaces the rows of each (status, kind) by their sum, in one
-- statement: rows appended meanwhile by other transactions are not seen by the DELETE and stay.
-- SECURITY DEFINER: the application role may append but not delete.
CREATE FUNCTION refurb_fold_device_counts() RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH gone AS (DELETE FROM device_counts RETURNING status, kind, n)
  INSERT INTO device_counts (status, kind, n)
  SELECT status, kind, sum(n) FROM gone GROUP BY status, kind HAVING sum(n) <> 0;
$$;
REVOKE ALL ON FUNCTION refurb_fold_device_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION refurb_fold_device_counts() TO refurb_app;

-- refurb_recount_devices counts the devices again, for loads that ran without triggers (the
-- demo generator's COPY under session_replication_role = replica).
CREATE FUNCTION refurb_recount_devices() RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DELETE FROM device_counts;
  INSERT INTO device_counts (status, kind, n) SELECT status, kind, count(*) FROM devices GROUP BY status, kind;
$$;
REVOKE ALL ON FUNCTION refurb_recount_devices() FROM PUBLIC;
