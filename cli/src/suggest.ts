// "did you mean quota-rush?": the closest valid name to a mistyped one, when it is close enough to be
// a typo rather than a different word.
import { closest, distance } from 'fastest-levenshtein';

/** The valid value nearest to `given`, or undefined when none is within a typo's distance. */
export function closestName(given: string, valid: readonly string[]): string | undefined {
  if (valid.length === 0) return undefined;
  const best = closest(given.toLowerCase(), [...valid]);
  // A third of the longer word, at least 2 edits: "qouta-rush" and "legasy" are typos, "foo" is not.
  const allowed = Math.max(2, Math.floor(Math.max(given.length, best.length) / 3));
  return distance(given.toLowerCase(), best) <= allowed ? best : undefined;
}

/** `unknown profile "legasy": did you mean legacy? (valid: legacy, hardened)` */
export function unknownValue(kind: string, given: string, valid: readonly string[]): string {
  const near = closestName(given, valid);
  const hint = near ? `did you mean ${near}? ` : '';
  return `unknown ${kind} "${given}": ${hint}(valid: ${valid.join(', ')})`;
}
