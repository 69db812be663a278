// The defect catalogue: each defect of docs/DEFECTS.md beside its fix, one file each. The app picks
// each variant once, at start, from the profile's defect set; the flows call the chosen behaviour on
// `ctx.variants` and never test a switch.
import { billingFragile } from './billing-fragile.ts';
import { duplicateSubmit } from './duplicate-submit.ts';
import { identityFragile } from './identity-fragile.ts';
import type { Defect, DefectSet } from './ids.ts';
import { overloadCollapse } from './overload-collapse.ts';
import { paidButExpired } from './paid-but-expired.ts';
import { quotaHoarding } from './quota-hoarding.ts';
import { quotaRace } from './quota-race.ts';
import { uploadFragile } from './upload-fragile.ts';

export * from './ids.ts';

/** Every defect's entry, in docs/DEFECTS.md's order. */
export const CATALOGUE = [
  quotaRace,
  billingFragile,
  duplicateSubmit,
  overloadCollapse,
  paidButExpired,
  quotaHoarding,
  identityFragile,
  uploadFragile,
] as const;

/** The behaviours the flows run, one per defect: its legacy one when the defect is on, else its fix. */
export interface Variants {
  quotaRace: typeof quotaRace.fix;
  billingFragile: typeof billingFragile.fix;
  duplicateSubmit: typeof duplicateSubmit.fix;
  overloadCollapse: typeof overloadCollapse.fix;
  paidButExpired: typeof paidButExpired.fix;
  quotaHoarding: typeof quotaHoarding.fix;
  identityFragile: typeof identityFragile.fix;
  uploadFragile: typeof uploadFragile.fix;
}

export function chooseVariants(defects: DefectSet): Variants {
  // The only place that asks whether a defect is on.
  const pick = <B>(defect: Defect<B>): B => (defects.has(defect.id) ? defect.legacy : defect.fix);
  return {
    quotaRace: pick(quotaRace),
    billingFragile: pick(billingFragile),
    duplicateSubmit: pick(duplicateSubmit),
    overloadCollapse: pick(overloadCollapse),
    paidButExpired: pick(paidButExpired),
    quotaHoarding: pick(quotaHoarding),
    identityFragile: pick(identityFragile),
    uploadFragile: pick(uploadFragile),
  };
}
