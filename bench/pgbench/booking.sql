-- One hardened booking (POST /v1/bookings, no Idempotency-Key) as the API sends it to PostgreSQL,
-- statement for statement, for pgbench: the pre-booking read, the booking's write (hold_seat(), one
-- statement: migrations/003_hold_seat.sql), and the payment code stored after the billing call. pgbench-test.test.ts checks these statements against what the API
-- really sends; bench/support/pgbench.ts seeds the rows and passes the fixed values with -D.
--
-- Each client books its own applicants in turn (variables persist across a client's transactions):
-- booker n = client_id * 1000000 + i is an account, an applicant, a NIK, a booking id and a billing
-- code at once, as every booking of a release is a different applicant.
\set i :i + 1
\set n :client_id * 1000000 + :i

SELECT a.id AS applicant_id, a.nik, a.date_of_birth, a.married, s.capacity, s.taken,
       k.request_hash AS stored_hash, k.booking_id AS stored_booking_id,
       (SELECT count(*) FROM bookings b WHERE b.account_id = :n AND b.status = ANY(:active::text[]))::int AS per_account,
       (SELECT count(*) FROM bookings b WHERE b.nik = a.nik AND b.status = ANY(:active::text[]))::int AS per_nik
     FROM (VALUES (1)) AS one (x)
     LEFT JOIN applicants a ON a.id = :n AND a.account_id = :n
     LEFT JOIN slots s ON s.id = :slot
     LEFT JOIN idempotency_keys k ON k.account_id = :n AND k.key = :no_key;

SELECT hold_seat(:n, :n, :n, :n, :n, :slot, :fee, :passport_type, :validity, :application_type, :purpose,
         :created_at, :issue_by, :next_attempt_at, :outbox, :trace_context, :remember_key, :no_key, :no_key,
         :max_holds, :active::text[]) AS left;

UPDATE bookings b SET status = 'WAITING_PAYMENT', billing_code = :n, code_issued_at = :issued_at, pay_by = :pay_by,
       next_attempt_at = NULL FROM slots s WHERE b.id = :n AND b.status = 'HELD' AND s.id = b.slot_id
     RETURNING b.*, s.office_id, s.date, s.session, s.category;
