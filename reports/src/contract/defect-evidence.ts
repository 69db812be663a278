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

export const DEFECT_REVEALS: readonly DefectReveal[] = [
  { defect: 'quota-race', scenario: 'quota-rush', evidence: invariant('slot-over-capacity') },
  { defect: 'duplicate-submit', scenario: 'quota-rush', evidence: invariant('duplicate-active-booking') },
  {
    defect: 'billing-fragile',
    scenario: 'payment-code-failure',
    evidence: invariant('booking-without-code'),
  },
  { defect: 'paid-but-expired', scenario: 'payment-expiry', evidence: invariant('paid-but-expired') },
  // Past the knee bookings take seconds: the p99 objective is what the collapse breaks.
  { defect: 'overload-collapse', scenario: 'breakpoint', evidence: slo('latencyP99') },
];

/** The defects `scenario` reveals, with their evidence. */
export function revealedBy(scenario: string): DefectReveal[] {
  return DEFECT_REVEALS.filter((r) => r.scenario === scenario);
}

/** The scenario that reveals `defect`, or null (quota-hoarding has no scenario of its own yet). */
export function scenarioFor(defect: string): string | null {
  return DEFECT_REVEALS.find((r) => r.defect === defect)?.scenario ?? null;
}
