// Other projects' schemas (the Compose Specification's JSON schema, the k6-operator TestRun CRD) live
// beside the checkout in ../shared/schemas/, never in the repository. A clone without them says so in
// one line and leaves those checks out; CI always has them, so there (CI=true) their absence fails.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SCHEMAS_DIR =
  process.env.PASPOR_SCHEMAS_DIR ?? fileURLToPath(new URL('../../../../shared/schemas/', import.meta.url));

/** The schema's path, or null after one line saying the check needs it (outside CI). */
export function sharedSchema(name: string, check: string): string | null {
  const path = `${SCHEMAS_DIR.replace(/\/?$/, '/')}${name}`;
  if (existsSync(path)) return path;
  if (process.env.CI !== 'true') {
    process.stderr.write(
      `${check} needs ${name} in ../shared/schemas/ (or PASPOR_SCHEMAS_DIR): not checked here\n`,
    );
  }
  return null;
}

/** In CI the copies must be there: a missing one would silently turn the check off. */
export function schemasRequired(): boolean {
  return process.env.CI === 'true';
}
