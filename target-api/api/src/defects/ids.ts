// The defects of docs/DEFECTS.md by id, and the profiles: a profile names a default set,
// `--defects a,b` switches single ones. Each defect's legacy and fixed behaviour is in ./<id>.ts.

export const DEFECT_IDS = [
  'quota-race',
  'billing-fragile',
  'duplicate-submit',
  'overload-collapse',
  'paid-but-expired',
  'quota-hoarding',
  'identity-fragile',
  'upload-fragile',
] as const;

export type DefectId = (typeof DEFECT_IDS)[number];
export type Profile = 'legacy' | 'hardened';
export const PROFILES: readonly Profile[] = ['legacy', 'hardened'];

export type DefectSet = ReadonlySet<DefectId>;

export class InvalidDefectError extends Error {
  readonly code = 'ERR_INVALID_DEFECT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDefectError';
  }
}

export function isDefectId(value: string): value is DefectId {
  return (DEFECT_IDS as readonly string[]).includes(value);
}

export function parseProfile(value: string): Profile {
  if (value === 'legacy' || value === 'hardened') return value;
  throw new InvalidDefectError(`unknown profile "${value}": use legacy or hardened`);
}

/** Parses "a,b" into defect ids; an unknown id is an error that lists the valid ones. */
export function parseDefectList(list: string): DefectId[] {
  const ids = list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  for (const id of ids) {
    if (!isDefectId(id)) {
      throw new InvalidDefectError(`unknown defect "${id}": valid defects are ${DEFECT_IDS.join(', ')}`);
    }
  }
  return [...new Set(ids as DefectId[])];
}

/** legacy carries every defect, hardened none; an explicit list replaces the profile's set. */
export function activeDefects(profile: Profile, explicit?: readonly DefectId[]): DefectSet {
  if (explicit !== undefined) return new Set(explicit);
  return profile === 'legacy' ? new Set(DEFECT_IDS) : new Set();
}

/** One defect of the catalogue: the field's behaviour beside its fix, each of the same shape. */
export interface Defect<Behaviour> {
  id: DefectId;
  /** One line: what goes wrong in the field, and what the fix does instead. */
  gloss: string;
  legacy: Behaviour;
  fix: Behaviour;
}
