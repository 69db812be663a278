-- The W3C trace context of the request that created a booking, kept for the issuance outbox: a code
-- issued later by the worker continues the booking's trace instead of starting a new one.
ALTER TABLE bookings ADD COLUMN trace_context text;
