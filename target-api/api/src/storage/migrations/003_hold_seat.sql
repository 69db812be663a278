-- The hardened booking's write in one statement: the account's hold cap, the booking row, its
-- Idempotency-Key, then the seat, committed together (booking/seat-store.ts, holdSeatInOneStatement).
-- It was a transaction of six round trips (BEGIN, lock, count, insert, seat, COMMIT); the slot's row,
-- which every request of a rush wants, stayed locked from the seat's UPDATE across the COMMIT's round
-- trip. Here nothing waits on the client between taking the seat and committing.
--
-- PL/pgSQL and not one data-modifying CTE: a function's statements each take a fresh snapshot (READ
-- COMMITTED), so the count after the account's lock sees the bookings its previous holder committed;
-- the sub-statements of a CTE share one snapshot taken before the lock was granted, and a bot tapping
-- for ten applicants at once would have all ten count "none held yet".
--
-- p_max_holds NULL: no cap here (quota-hoarding's legacy). p_remember_key false: no Idempotency-Key to
-- remember (a flag beside p_key, as pgbench cannot bind NULL). Refusals are raised, so the booking
-- row goes back with them: 'quota-exhausted' (no seat free), 'hold-limit-reached'; a second active
-- booking of the NIK is bookings_one_active_per_nik's unique violation.
CREATE FUNCTION hold_seat(
  p_id text, p_account_id text, p_applicant_id text, p_nik text, p_nik_guard text, p_slot_id text,
  p_fee integer, p_passport_type text, p_validity_years integer, p_application_type text,
  p_purpose text, p_created_at timestamptz, p_issue_by timestamptz, p_next_attempt_at timestamptz,
  p_outbox boolean, p_trace_context text, p_remember_key boolean, p_key text, p_request_hash text,
  p_max_holds integer,
  p_active text[]
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  seats_left integer;
BEGIN
  IF p_max_holds IS NOT NULL THEN
    PERFORM 1 FROM accounts WHERE id = p_account_id FOR UPDATE;
    IF (SELECT count(*) FROM bookings WHERE account_id = p_account_id AND status = ANY (p_active)) >= p_max_holds THEN
      RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'hold-limit-reached';
    END IF;
  END IF;
  INSERT INTO bookings (id, account_id, applicant_id, nik, nik_guard, slot_id, status, fee, passport_type,
    validity_years, application_type, purpose, created_at, issue_by, next_attempt_at, outbox, trace_context)
  VALUES (p_id, p_account_id, p_applicant_id, p_nik, p_nik_guard, p_slot_id, 'HELD', p_fee, p_passport_type,
    p_validity_years, p_application_type, p_purpose, p_created_at, p_issue_by, p_next_attempt_at, p_outbox,
    p_trace_context);
  IF p_remember_key THEN
    INSERT INTO idempotency_keys (account_id, key, request_hash, booking_id, status_code, created_at)
    VALUES (p_account_id, p_key, p_request_hash, p_id, 201, p_created_at);
  END IF;
  -- The hot row last: locked for the rest of this statement only.
  UPDATE slots SET taken = taken + 1 WHERE id = p_slot_id AND taken < capacity
    RETURNING capacity - taken INTO seats_left;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'quota-exhausted';
  END IF;
  RETURN seats_left;
END
$$;
