-- The impact ledger (package impact, docs/impact.md): what the workshop did for the environment,
-- for the people who needed a device and for its trainees, over any period, fast enough for a
-- dashboard on a million devices. A period's figures are sums over days, so package impact reads
-- three summary tables of its own, kept exact by triggers in the same transaction as every change
-- they summarise (the same pattern as device_counts: each statement appends its net change as
-- rows, so concurrent transactions never wait for each other on a summary row; the daily job
-- folds the rows back into one per key, refurb_fold_impact):
-- - impact_device_days: intakes, hand-outs, recycling, dismantling and returns of devices, by
--   day (Europe/Luxembourg), device kind and impact category, with their weight and age, and
--   for hand-outs the impact factor set in force at that moment (a later set never changes a
--   past figure). From device_events (append-only) joined with the device; a change to a
--   device's kind, weight, screen or year moves its contributions.
-- - impact_request_days and impact_request_waits: requests handed out by day, partner kind and
--   purpose, and by day and waiting time in calendar days (for exact medians).
-- - impact_queue_days: the daily change of the number of requests waiting for a device and of
--   those waitlisted, from device_request_events (append-only).
-- - impact_follow_up_days: the follow-ups asked each day and their answers, from
--   request_follow_ups (an answer moves its follow-up from unanswered to its answer).
-- The summaries hold counts only, no personal data. The application role may read them; only
-- the SECURITY DEFINER functions here write them. refurb_impact_rebuild computes them again from
-- the tables they summarise (after a load that ran without triggers, such as the demo's).

-- How many more years a device handed out is expected to be used, by kind [approximation,
-- docs/impact.md]: the "extra years of use" of the ledger.
INSERT INTO settings (key, value) VALUES
  ('impact.second_life_years', '{"laptop": 3, "desktop": 4, "all_in_one": 4, "tablet": 2, "smartphone": 2, "monitor": 4, "printer": 3, "peripheral": 2, "other": 2}')
ON CONFLICT (key) DO NOTHING;

-- The impact factor category of a device, as certificates.Category says it in Go (a test keeps
-- the two equal): laptops and screens by their diagonal when known, the medium size otherwise;
-- '' when no factor applies.
CREATE FUNCTION refurb_impact_category(kind text, screen numeric) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE kind
    WHEN 'laptop' THEN CASE WHEN screen IS NULL OR screen = 0 THEN 'laptop_medium' WHEN screen < 13.5 THEN 'laptop_small'
                            WHEN screen <= 15.6 THEN 'laptop_medium' ELSE 'laptop_large' END
    WHEN 'desktop' THEN 'desktop'
    WHEN 'all_in_one' THEN 'desktop'
    WHEN 'monitor' THEN CASE WHEN screen IS NULL OR screen = 0 THEN 'screen_19_20' WHEN screen < 18.5 THEN 'screen_15_17'
                             WHEN screen < 21.5 THEN 'screen_19_20' ELSE 'screen_22_24' END
    WHEN 'tablet' THEN 'tablet'
    WHEN 'smartphone' THEN 'smartphone'
    WHEN 'printer' THEN 'printer_scanner'
    WHEN 'peripheral' THEN 'pc_accessory'
    ELSE '' END
$$;

-- The impact factor set in force at an instant: the newest created by then, or the oldest for
-- what happened before any set existed. Sets are added by migrations, never changed, so the
-- answer for a past instant never changes.
CREATE FUNCTION refurb_impact_factor_set(at timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(
    (SELECT id FROM impact_factor_sets WHERE created_at <= at ORDER BY created_at DESC, id DESC LIMIT 1),
    (SELECT id FROM impact_factor_sets ORDER BY created_at, id LIMIT 1))
$$;

-- What a device event means for the ledger: an intake, a hand-out, recycling, dismantling, a
-- return from a beneficiary; NULL for any other event.
CREATE FUNCTION refurb_impact_outcome(kind text, from_status text, to_status text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN kind = 'intake' THEN 'received'
    WHEN kind <> 'status' THEN NULL
    WHEN to_status IN ('handed_out', 'recycled', 'dismantled') THEN to_status
    WHEN to_status = 'received' AND from_status = 'handed_out' THEN 'returned'
  END
$$;

-- The workshop's calendar day of an instant.
CREATE FUNCTION refurb_impact_day(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (at AT TIME ZONE 'Europe/Luxembourg')::date $$;

CREATE TABLE impact_device_days (
  day      date NOT NULL,
  outcome  text NOT NULL CHECK (outcome IN ('received', 'handed_out', 'recycled', 'dismantled', 'returned')),
  kind     text NOT NULL,
  category text NOT NULL,
  -- The factor set in force when the device was handed out; NULL for other outcomes.
  set_id   bigint REFERENCES impact_factor_sets (id),
  devices  bigint NOT NULL,
  kg       numeric NOT NULL,
  -- Devices whose manufacture year is known, and the sum of their ages in whole years (the
  -- event's year minus the manufacture year, never below 0).
  aged     bigint NOT NULL,
  age_sum  bigint NOT NULL
);
CREATE INDEX impact_device_days_day_idx ON impact_device_days (day);
GRANT SELECT ON impact_device_days TO refurb_app;

CREATE TABLE impact_request_days (
  day          date NOT NULL,
  partner_kind text NOT NULL,
  purpose      text NOT NULL,
  requests     bigint NOT NULL
);
CREATE INDEX impact_request_days_day_idx ON impact_request_days (day);
GRANT SELECT ON impact_request_days TO refurb_app;

CREATE TABLE impact_request_waits (
  day       date NOT NULL,
  -- Calendar days (Europe/Luxembourg) from the request's submission to its hand-out.
  wait_days int NOT NULL,
  requests  bigint NOT NULL
);
CREATE INDEX impact_request_waits_day_idx ON impact_request_waits (day);
GRANT SELECT ON impact_request_waits TO refurb_app;

CREATE TABLE impact_queue_days (
  day        date NOT NULL,
  -- The change of the number of requests waiting for a device (submitted, approved or
  -- waitlisted) and of those waitlisted, that day.
  waiting    bigint NOT NULL,
  waitlisted bigint NOT NULL
);
CREATE INDEX impact_queue_days_day_idx ON impact_queue_days (day);
GRANT SELECT ON impact_queue_days TO refurb_app;

CREATE TABLE impact_follow_up_days (
  day        date NOT NULL, -- when the follow-up was asked
  in_use     text,          -- NULL: not answered
  problem    text,
  uses       text[] NOT NULL,
  follow_ups bigint NOT NULL
);
CREATE INDEX impact_follow_up_days_day_idx ON impact_follow_up_days (day);
GRANT SELECT ON impact_follow_up_days TO refurb_app;

-- Device events: a statement's new events that mean something to the ledger, with their
-- device as it is.
CREATE FUNCTION impact_count_device_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO impact_device_days (day, outcome, kind, category, set_id, devices, kg, aged, age_sum)
  SELECT refurb_impact_day(e.at), e.outcome, d.kind, refurb_impact_category(d.kind, d.screen_inches),
    CASE WHEN e.outcome = 'handed_out' THEN refurb_impact_factor_set(e.at) END,
    count(*), sum(d.weight_kg), count(d.manufacture_year),
    coalesce(sum(greatest(0, extract(year FROM e.at AT TIME ZONE 'Europe/Luxembourg')::int - d.manufacture_year)), 0)
  FROM (SELECT device_id, at, refurb_impact_outcome(kind, from_status, to_status) AS outcome FROM new_events) e
  JOIN devices d ON d.id = e.device_id
  WHERE e.outcome IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5;
  RETURN NULL;
END $$;
CREATE TRIGGER impact_count_device_events AFTER INSERT ON device_events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION impact_count_device_events();

-- A device's kind, weight, screen or manufacture year corrected: its events count again with
-- the new values, and no longer with the old.
CREATE FUNCTION impact_recount_device() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO impact_device_days (day, outcome, kind, category, set_id, devices, kg, aged, age_sum)
  SELECT refurb_impact_day(e.at), e.outcome, v.kind, refurb_impact_category(v.kind, v.screen_inches),
    CASE WHEN e.outcome = 'handed_out' THEN refurb_impact_factor_set(e.at) END,
    v.sign, v.sign * v.weight_kg, v.sign * (v.manufacture_year IS NOT NULL)::int,
    v.sign * coalesce(greatest(0, extract(year FROM e.at AT TIME ZONE 'Europe/Luxembourg')::int - v.manufacture_year), 0)
  FROM (SELECT at, refurb_impact_outcome(kind, from_status, to_status) AS outcome FROM device_events WHERE device_id = NEW.id) e,
    (VALUES (-1, OLD.kind, OLD.screen_inches, OLD.weight_kg, OLD.manufacture_year),
            (1, NEW.kind, NEW.screen_inches, NEW.weight_kg, NEW.manufacture_year)) AS v (sign, kind, screen_inches, weight_kg, manufacture_year)
  WHERE e.outcome IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER impact_recount_device AFTER UPDATE OF kind, weight_kg, screen_inches, manufacture_year ON devices FOR EACH ROW
  WHEN ((OLD.kind, OLD.weight_kg, OLD.screen_inches, OLD.manufacture_year) IS DISTINCT FROM (NEW.kind, NEW.weight_kg, NEW.screen_inches, NEW.manufacture_year))
  EXECUTE FUNCTION impact_recount_device();

-- A request handed out: once, when its status becomes handed_out (the demo inserts requests
-- already handed out).
CREATE FUNCTION impact_count_handout() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO impact_request_days (day, partner_kind, purpose, requests)
  SELECT refurb_impact_day(NEW.handed_out_at), p.kind, NEW.purpose, 1 FROM partner_organisations p WHERE p.id = NEW.partner_id;
  INSERT INTO impact_request_waits (day, wait_days, requests)
  VALUES (refurb_impact_day(NEW.handed_out_at), refurb_impact_day(NEW.handed_out_at) - refurb_impact_day(NEW.submitted_at), 1);
  RETURN NULL;
END $$;
CREATE TRIGGER impact_count_handout AFTER UPDATE OF status ON device_requests FOR EACH ROW
  WHEN (NEW.status = 'handed_out' AND OLD.status <> 'handed_out' AND NEW.handed_out_at IS NOT NULL)
  EXECUTE FUNCTION impact_count_handout();
CREATE TRIGGER impact_count_handout_insert AFTER INSERT ON device_requests FOR EACH ROW
  WHEN (NEW.status = 'handed_out' AND NEW.handed_out_at IS NOT NULL)
  EXECUTE FUNCTION impact_count_handout();

-- A partner organisation changes kind: its hand-outs count under the new kind. It reads every
-- request of the organisation, whatever row-level security would show the acting user.
CREATE FUNCTION impact_recount_partner() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET refurb.role = 'system' AS $$
BEGIN
  INSERT INTO impact_request_days (day, partner_kind, purpose, requests)
  SELECT refurb_impact_day(r.handed_out_at), k.kind, r.purpose, k.sign * count(*)
  FROM device_requests r, (VALUES (-1, OLD.kind), (1, NEW.kind)) AS k (sign, kind)
  WHERE r.partner_id = NEW.id AND r.status = 'handed_out' AND r.handed_out_at IS NOT NULL
  GROUP BY 1, 2, 3, k.sign;
  RETURN NULL;
END $$;
CREATE TRIGGER impact_recount_partner AFTER UPDATE OF kind ON partner_organisations FOR EACH ROW
  WHEN (OLD.kind IS DISTINCT FROM NEW.kind)
  EXECUTE FUNCTION impact_recount_partner();

-- Request events: each move into or out of the waiting statuses changes the queue that day.
CREATE FUNCTION impact_count_request_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO impact_queue_days (day, waiting, waitlisted)
  SELECT refurb_impact_day(at),
    sum((coalesce(to_status, '') IN ('submitted', 'approved', 'waitlisted'))::int - (coalesce(from_status, '') IN ('submitted', 'approved', 'waitlisted'))::int),
    sum((coalesce(to_status, '') = 'waitlisted')::int - (coalesce(from_status, '') = 'waitlisted')::int)
  FROM new_events
  WHERE from_status IS DISTINCT FROM to_status
  GROUP BY 1
  HAVING sum((coalesce(to_status, '') IN ('submitted', 'approved', 'waitlisted'))::int - (coalesce(from_status, '') IN ('submitted', 'approved', 'waitlisted'))::int) <> 0
      OR sum((coalesce(to_status, '') = 'waitlisted')::int - (coalesce(from_status, '') = 'waitlisted')::int) <> 0;
  RETURN NULL;
END $$;
CREATE TRIGGER impact_count_request_events AFTER INSERT ON device_request_events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION impact_count_request_events();

-- Follow-ups: asked (unanswered), then answered once.
CREATE FUNCTION impact_count_follow_up() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO impact_follow_up_days (day, in_use, problem, uses, follow_ups)
    VALUES (refurb_impact_day(OLD.asked_at), OLD.in_use, OLD.problem, OLD.uses, -1);
  END IF;
  INSERT INTO impact_follow_up_days (day, in_use, problem, uses, follow_ups)
  VALUES (refurb_impact_day(NEW.asked_at), NEW.in_use, NEW.problem, NEW.uses, 1);
  RETURN NULL;
END $$;
CREATE TRIGGER impact_count_follow_up AFTER INSERT OR UPDATE ON request_follow_ups FOR EACH ROW EXECUTE FUNCTION impact_count_follow_up();

-- refurb_fold_impact replaces the rows of each key by their sum, in one statement per table:
-- rows appended meanwhile by other transactions are not seen by the DELETE and stay. The daily
-- job runs it.
CREATE FUNCTION refurb_fold_impact() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH gone AS (DELETE FROM impact_device_days RETURNING *)
  INSERT INTO impact_device_days (day, outcome, kind, category, set_id, devices, kg, aged, age_sum)
  SELECT day, outcome, kind, category, set_id, sum(devices), sum(kg), sum(aged), sum(age_sum) FROM gone
  GROUP BY day, outcome, kind, category, set_id
  HAVING sum(devices) <> 0 OR sum(kg) <> 0 OR sum(aged) <> 0 OR sum(age_sum) <> 0;
  WITH gone AS (DELETE FROM impact_request_days RETURNING *)
  INSERT INTO impact_request_days (day, partner_kind, purpose, requests)
  SELECT day, partner_kind, purpose, sum(requests) FROM gone GROUP BY day, partner_kind, purpose HAVING sum(requests) <> 0;
  WITH gone AS (DELETE FROM impact_request_waits RETURNING *)
  INSERT INTO impact_request_waits (day, wait_days, requests)
  SELECT day, wait_days, sum(requests) FROM gone GROUP BY day, wait_days HAVING sum(requests) <> 0;
  WITH gone AS (DELETE FROM impact_queue_days RETURNING *)
  INSERT INTO impact_queue_days (day, waiting, waitlisted)
  SELECT day, sum(waiting), sum(waitlisted) FROM gone GROUP BY day HAVING sum(waiting) <> 0 OR sum(waitlisted) <> 0;
  WITH gone AS (DELETE FROM impact_follow_up_days RETURNING *)
  INSERT INTO impact_follow_up_days (day, in_use, problem, uses, follow_ups)
  SELECT day, in_use, problem, uses, sum(follow_ups) FROM gone GROUP BY day, in_use, problem, uses HAVING sum(follow_ups) <> 0;
$$;
REVOKE ALL ON FUNCTION refurb_fold_impact() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION refurb_fold_impact() TO refurb_app;

-- refurb_impact_rebuild computes the summaries again from what they summarise, in one
-- transaction: for loads that ran without triggers (the demo's COPY), and for this migration on
-- a database that already holds devices. It reads every request, as the system.
CREATE FUNCTION refurb_impact_rebuild() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp SET refurb.role = 'system' AS $$
  DELETE FROM impact_device_days;
  INSERT INTO impact_device_days (day, outcome, kind, category, set_id, devices, kg, aged, age_sum)
  SELECT refurb_impact_day(e.at), e.outcome, d.kind, refurb_impact_category(d.kind, d.screen_inches),
    CASE WHEN e.outcome = 'handed_out' THEN refurb_impact_factor_set(e.at) END,
    count(*), sum(d.weight_kg), count(d.manufacture_year),
    coalesce(sum(greatest(0, extract(year FROM e.at AT TIME ZONE 'Europe/Luxembourg')::int - d.manufacture_year)), 0)
  FROM (SELECT device_id, at, refurb_impact_outcome(kind, from_status, to_status) AS outcome FROM device_events
        WHERE kind = 'intake' OR (kind = 'status' AND to_status IN ('handed_out', 'recycled', 'dismantled', 'received'))) e
  JOIN devices d ON d.id = e.device_id
  WHERE e.outcome IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5;

  DELETE FROM impact_request_days;
  INSERT INTO impact_request_days (day, partner_kind, purpose, requests)
  SELECT refurb_impact_day(r.handed_out_at), p.kind, r.purpose, count(*)
  FROM device_requests r JOIN partner_organisations p ON p.id = r.partner_id
  WHERE r.status = 'handed_out' AND r.handed_out_at IS NOT NULL
  GROUP BY 1, 2, 3;

  DELETE FROM impact_request_waits;
  INSERT INTO impact_request_waits (day, wait_days, requests)
  SELECT refurb_impact_day(handed_out_at), refurb_impact_day(handed_out_at) - refurb_impact_day(submitted_at), count(*)
  FROM device_requests
  WHERE status = 'handed_out' AND handed_out_at IS NOT NULL
  GROUP BY 1, 2;

  DELETE FROM impact_queue_days;
  INSERT INTO impact_queue_days (day, waiting, waitlisted)
  SELECT refurb_impact_day(at),
    sum((coalesce(to_status, '') IN ('submitted', 'approved', 'waitlisted'))::int - (coalesce(from_status, '') IN ('submitted', 'approved', 'waitlisted'))::int),
    sum((coalesce(to_status, '') = 'waitlisted')::int - (coalesce(from_status, '') = 'waitlisted')::int)
  FROM device_request_events
  WHERE from_status IS DISTINCT FROM to_status
  GROUP BY 1
  HAVING sum((coalesce(to_status, '') IN ('submitted', 'approved', 'waitlisted'))::int - (coalesce(from_status, '') IN ('submitted', 'approved', 'waitlisted'))::int) <> 0
      OR sum((coalesce(to_status, '') = 'waitlisted')::int - (coalesce(from_status, '') = 'waitlisted')::int) <> 0;

  DELETE FROM impact_follow_up_days;
  INSERT INTO impact_follow_up_days (day, in_use, problem, uses, follow_ups)
  SELECT refurb_impact_day(asked_at), in_use, problem, uses, count(*) FROM request_follow_ups GROUP BY 1, 2, 3, 4;
$$;
REVOKE ALL ON FUNCTION refurb_impact_rebuild() FROM PUBLIC;

SELECT refurb_impact_rebuild();

-- A donor's impact reads the hand-outs of their devices; the follow-up job the requests handed
-- out some months ago.
CREATE INDEX device_requests_handed_out_idx ON device_requests (handed_out_at) WHERE status = 'handed_out';
