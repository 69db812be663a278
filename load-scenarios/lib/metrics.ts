// Custom metrics shared by the scenarios. k6 allows creating metrics in init code only, and this
// module is imported from init code.
import { Counter, Rate, Trend } from 'k6/metrics';

/** A successful booking whose billing code was visible within the issuance objective (1) or not (0). */
export const codeWithinSlo = new Rate('payment_code_within_slo');
/** Time from the booking request to a visible billing code. */
export const codeWait = new Trend('payment_code_wait', true);
/** Booking answers 201/202 (a seat held). */
export const seatsHeld = new Counter('seats_held');
/** Booking answers 409 quota-exhausted: a correct "no". */
export const quotaExhausted = new Counter('quota_exhausted');
/** Answers shed by admission control or rate limiting (503/429). */
export const shed = new Counter('shed_responses');
/** Latency of the shed answers: shedding only helps when it is fast. */
export const shedDuration = new Trend('shed_duration', true);
/** Requests that got no answer in time (k6 status 0). */
export const timeouts = new Counter('request_timeouts');
/** Correctness checks made at the end of a scenario from the target's own state (1 = holds). */
export const endState = new Rate('end_state_correct');
