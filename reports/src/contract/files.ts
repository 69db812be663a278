// Writing the run folder and the verification folder, and reading verification.json back: every file
// is checked against its schema on the way out, so a folder on disk always follows the contract.

import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { parseJson, RunFolderError, readText } from './run-folder.ts';
import { InvariantsJson, RunJson, Verification } from './schemas.ts';

export const RUN_FILES = {
  run: 'run.json',
  summary: 'summary.json',
  timeseries: 'timeseries.ndjson',
  server: 'server.ndjson',
  invariants: 'invariants.json',
} as const;

export const VERIFICATION_FILE = 'verification.json';
/** Inside a verification folder each run folder lives under runs/<run-id>/. */
export const VERIFICATION_RUNS_DIR = 'runs';

export class ContractError extends Error {
  readonly code = 'ERR_CONTRACT';
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}

/** The first few schema errors, as one line: "/verdict/exitCode must be integer; ...". */
export function schemaErrors(schema: TSchema, value: unknown, max = 3): string | null {
  if (Value.Check(schema, value)) return null;
  const errors = [...Value.Errors(schema, value)].slice(0, max);
  return errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

function checked(schema: TSchema, name: string, value: unknown): string {
  const problem = schemaErrors(schema, value);
  if (problem) throw new ContractError(`${name} does not follow its schema: ${problem}`);
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

export function writeRunJson(dir: string, meta: RunJson): string {
  const path = join(dir, RUN_FILES.run);
  writeFileSync(path, checked(RunJson, RUN_FILES.run, meta));
  return path;
}

export function writeInvariantsJson(dir: string, answer: unknown): string {
  const path = join(dir, RUN_FILES.invariants);
  // The target may send more fields (checkedAt); they are kept, the required ones are checked.
  writeFileSync(path, checked(InvariantsJson, RUN_FILES.invariants, answer));
  return path;
}

export async function writeVerification(dir: string, verification: Verification): Promise<string> {
  const path = join(dir, VERIFICATION_FILE);
  await writeFile(path, checked(Verification, VERIFICATION_FILE, verification));
  return path;
}

/** Reads verification.json of a verification folder; null when the folder has none (a run folder). */
export async function readVerification(dir: string): Promise<Verification | null> {
  const path = join(dir, VERIFICATION_FILE);
  const text = await readText(path);
  if (text === null) return null;
  const json = parseJson(text, path);
  const problem = schemaErrors(Verification, json);
  if (problem)
    throw new RunFolderError('RUN_FOLDER_INVALID', path, `${path} does not follow the contract: ${problem}`);
  return json as Verification;
}
