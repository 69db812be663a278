// What reveals each defect, and in which scenario (docs/DEFECTS.md, "what reveals it"): the evidence a
// verification reads for a claimed fix. A defect its scenario does not reveal cannot be verified there.
import type { DefectEvidence, SloClaimId } from './schemas.ts';

export interface DefectReveal {
  defect: string;
  /** The scenario built to reveal it. */
  scenario: string;
  evidence: DefectEvidence;
}

const invariant = (name: string): DefectEvidence => ({ type: 'invariant', invariant: name });
const slo = (id: SloClaimId): DefectEvidence => ({ type: 'slo', slo: id });
const measure = (...measures: string[]): DefectEvidence => ({ type: 'measure', measures });

export const DEFECT_REVEALS: readonly DefectReveal[] = [
  { defect: 'quota-race', scenario: 'quota-rush', evidence: invariant('slot-over-capacity') },
  { defect: 'duplicate-submit', scenario: 'quota-rush', evidence: invariant('duplicate-active-booking') },
  {
    defect: 'billing-fragile',
    scenario: 'payment-code-failure',
    evidence: invariant('booking-without-code'),
  },
  { defect: 'paid-but-expired', scenario: 'payment-expiry', evidence: invariant('paid-but-expired') },
  // A lost notice leaves no trace in the API's database, so no invariant sees it: the applicants do.
  { defect: 'paid-but-expired', scenario: 'lost-notices', evidence: measure('paid_not_paid') },
  // Not an invariant (a family may fairly hold five): the most one account holds, and the touts' share.
  {
    defect: 'quota-hoarding',
    scenario: 'quota-hoarding',
    evidence: measure('max_holds_per_account', 'tout_seats'),
  },
  // While the identity store is down: how long until users logging in or resetting a password hear
  // something useful, and how often they tap; while the document store is, the same for uploaders.
  {
    defect: 'identity-fragile',
    scenario: 'outage-2023',
    evidence: measure(
      'first_clear_answer{task:login}',
      'first_clear_answer{task:reset}',
      'login_requests{task:login}',
      'reset_requests',
    ),
  },
  {
    defect: 'upload-fragile',
    scenario: 'outage-2023',
    evidence: measure('first_clear_answer{task:upload}', 'upload_requests'),
  },
  // Past the knee bookings take seconds: the p99 objective is what the collapse breaks.
  { defect: 'overload-collapse', scenario: 'breakpoint', evidence: slo('latencyP99') },
];

/** The defects `scenario` reveals, with their evidence. */
export function revealedBy(scenario: string): DefectReveal[] {
  return DEFECT_REVEALS.filter((r) => r.scenario === scenario);
}

/** The first scenario that reveals `defect`, or null when none does. */
export function scenarioFor(defect: string): string | null {
  return DEFECT_REVEALS.find((r) => r.defect === defect)?.scenario ?? null;
}

/** The measures the defects of `scenario` are judged by (read from each run's summary). */
export function measuresOf(scenario: string): string[] {
  return revealedBy(scenario).flatMap((r) => (r.evidence.type === 'measure' ? r.evidence.measures : []));
}

/** What a claim's evidence is called in a sentence: the invariant, the measures, or the SLO. */
export function evidenceLabel(evidence: DefectEvidence): string {
  if (evidence.type === 'invariant') return evidence.invariant;
  if (evidence.type === 'measure') return evidence.measures.join(', ');
  return evidence.slo;
}
