-- The booking service's schema. Instants are timestamptz; calendar dates are 'YYYY-MM-DD' text in the
-- office's time zone (a `date` column would be shifted by drivers that parse it in local time).

CREATE TABLE accounts (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  date_of_birth text NOT NULL,
  gender text NOT NULL CHECK (gender IN ('M', 'F')),
  phone text NOT NULL,
  password_hash text NOT NULL,
  activated boolean NOT NULL DEFAULT false,
  activation_code text,
  created_at timestamptz NOT NULL
);

CREATE TABLE applicants (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  nik text NOT NULL,
  name text NOT NULL,
  date_of_birth text NOT NULL,
  gender text NOT NULL CHECK (gender IN ('M', 'F')),
  married boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  UNIQUE (account_id, nik)
);
CREATE INDEX applicants_account ON applicants (account_id);

CREATE TABLE offices (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('KANIM', 'ULP')),
  city text NOT NULL,
  time_zone text NOT NULL CHECK (time_zone IN ('WIB', 'WITA', 'WIT')),
  lat double precision NOT NULL,
  lon double precision NOT NULL,
  daily_quota integer NOT NULL
);

-- One bookable unit: an office's date, session and category. `taken` counts live bookings on it.
CREATE TABLE slots (
  id text PRIMARY KEY,
  office_id text NOT NULL REFERENCES offices (id),
  date text NOT NULL CHECK (date ~ '^\d{4}-\d{2}-\d{2}$'),
  session text NOT NULL,
  category text NOT NULL CHECK (category IN ('REGULER', 'PERCEPATAN', 'PRIORITAS')),
  capacity integer NOT NULL CHECK (capacity >= 0),
  taken integer NOT NULL DEFAULT 0,
  released_at timestamptz NOT NULL,
  UNIQUE (office_id, date, session, category)
);
CREATE INDEX slots_office_date ON slots (office_id, date);

CREATE TABLE bookings (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  applicant_id text NOT NULL REFERENCES applicants (id),
  nik text NOT NULL,
  -- Set to the NIK only when the duplicate-submit fix is on; the partial unique index below then
  -- allows one active booking per NIK. Legacy leaves it NULL, so nothing guards.
  nik_guard text,
  slot_id text NOT NULL REFERENCES slots (id),
  status text NOT NULL CHECK (status IN ('HELD', 'WAITING_PAYMENT', 'PAID', 'ATTENDED', 'NO_SHOW', 'EXPIRED', 'RELEASED', 'CANCELLED')),
  fee integer NOT NULL,
  passport_type text NOT NULL,
  validity_years integer NOT NULL,
  application_type text NOT NULL,
  purpose text NOT NULL,
  billing_code text UNIQUE,
  created_at timestamptz NOT NULL,
  issue_by timestamptz NOT NULL,
  code_issued_at timestamptz,
  pay_by timestamptz,
  paid_at timestamptz,
  closed_at timestamptz,
  rescheduled boolean NOT NULL DEFAULT false,
  issue_attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  refund_status text,
  -- Legacy outbox-less bookings are never retried; hardened ones are picked up by the outbox worker.
  outbox boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX bookings_one_active_per_nik ON bookings (nik_guard)
  WHERE status IN ('HELD', 'WAITING_PAYMENT', 'PAID');
CREATE INDEX bookings_account ON bookings (account_id);
CREATE INDEX bookings_slot ON bookings (slot_id);
CREATE INDEX bookings_nik ON bookings (nik);
CREATE INDEX bookings_outbox ON bookings (next_attempt_at) WHERE status = 'HELD' AND outbox;
CREATE INDEX bookings_waiting ON bookings (pay_by) WHERE status = 'WAITING_PAYMENT';

CREATE TABLE idempotency_keys (
  account_id text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  booking_id text NOT NULL,
  status_code integer NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, key)
);

-- Every payment notice the API accepted. `dedupe_key` is the noticeId when the paid-but-expired fix is
-- on (one row per notice); legacy leaves it NULL and stores repeats as new rows (double counting).
CREATE TABLE payment_notices (
  id bigserial PRIMARY KEY,
  notice_id text NOT NULL,
  dedupe_key text UNIQUE,
  body_hash text NOT NULL,
  billing_code text NOT NULL,
  booking_id text,
  amount integer NOT NULL,
  paid_at timestamptz NOT NULL,
  channel text NOT NULL,
  outcome text NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX payment_notices_notice ON payment_notices (notice_id);
CREATE INDEX payment_notices_booking ON payment_notices (booking_id);

CREATE TABLE release_events (
  id bigserial PRIMARY KEY,
  office_id text NOT NULL REFERENCES offices (id),
  trigger text NOT NULL,
  dates text[] NOT NULL,
  released_at timestamptz NOT NULL
);

-- Hands out NIK serials for /admin/seed so every seeded applicant has a distinct NIK.
CREATE SEQUENCE seed_serial;
