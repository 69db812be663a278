// paspor-lab list [what] [--json]: the scenarios, profiles, defects and environment faults, one line
// each, read from the tables the code itself runs on (the scenario catalogue, the defect catalogue,
// the fault schemas of both services' PUT /admin/faults), so the list cannot drift from what runs.
import type { Command } from 'commander';
import { withExitCodes } from '../src/help.ts';
import { SCENARIO_NAMES, SCENARIOS } from '../src/scenarios.ts';
import { unknownValue } from '../src/suggest.ts';
import { EXIT_OK, EXIT_USAGE } from '../src/verdict.ts';

const LIST_KINDS = ['scenarios', 'profiles', 'defects', 'faults'] as const;
type Kind = (typeof LIST_KINDS)[number];

export interface ListEntry {
  kind: 'scenario' | 'profile' | 'defect' | 'fault';
  name: string;
  gloss: string;
}

/** A JSON schema as TypeBox builds it: only the parts the fault walk reads. */
interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
}

/**
 * The fault kinds of one PUT /admin/faults body: each field of each group (`billing.errorRate`), with
 * the schema's description. The windows (`startAt`, `endAt`) are when a fault applies, not a kind.
 */
function faultKinds(service: string, body: SchemaNode): ListEntry[] {
  return Object.entries(body.properties ?? {}).flatMap(([group, node]) =>
    Object.entries(node.properties ?? {})
      .filter(([field]) => field !== 'startAt' && field !== 'endAt')
      .map(([field, schema]) => ({
        kind: 'fault' as const,
        name: `${service}:${group}.${field}`,
        gloss: schema.description ?? schema.type ?? '',
      })),
  );
}

/** Every entry of the kinds asked for, in the order of LIST_KINDS. */
export async function listEntries(kinds: readonly Kind[] = LIST_KINDS): Promise<ListEntry[]> {
  // Loaded here, not at the top: every other command would otherwise load the API's modules on start.
  const [defects, api, billing] = await Promise.all([
    import('@paspor-lab/target-api/defects/catalogue'),
    import('@paspor-lab/target-api/api'),
    import('@paspor-lab/target-api/billing-sim'),
  ]);
  const all: Record<Kind, () => ListEntry[]> = {
    scenarios: () =>
      SCENARIO_NAMES.map((name) => ({ kind: 'scenario', name, gloss: SCENARIOS[name].purpose })),
    profiles: () =>
      defects.PROFILES.map((name) => {
        const on = [...defects.activeDefects(name)];
        return {
          kind: 'profile',
          name,
          gloss: on.length > 0 ? `defects on: ${on.join(', ')}` : 'every defect fixed',
        };
      }),
    defects: () => defects.CATALOGUE.map(({ id, gloss }) => ({ kind: 'defect', name: id, gloss })),
    faults: () => [...faultKinds('api', api.FaultBody), ...faultKinds('billing-sim', billing.FaultsBody)],
  };
  return kinds.flatMap((kind) => all[kind]());
}

/** `defect    quota-race             legacy ...`: one aligned line per entry. */
export function formatEntries(entries: readonly ListEntry[]): string {
  const width = Math.max(0, ...entries.map((e) => e.name.length)) + 2;
  return entries.map((e) => `${e.kind.padEnd(9)} ${e.name.padEnd(width)} ${e.gloss}`.trimEnd()).join('\n');
}

async function listCommand(what: string | undefined, flags: { json?: boolean }): Promise<number> {
  if (what !== undefined && !(LIST_KINDS as readonly string[]).includes(what)) {
    process.stderr.write(`paspor-lab list: ${unknownValue('kind', what, LIST_KINDS)}\n`);
    return EXIT_USAGE;
  }
  const entries = await listEntries(what === undefined ? LIST_KINDS : [what as Kind]);
  process.stdout.write(`${flags.json ? JSON.stringify(entries, null, 2) : formatEntries(entries)}\n`);
  return EXIT_OK;
}

export function registerList(program: Command): void {
  const command = program
    .command('list')
    .description('list the scenarios, profiles, defects and environment faults, one line each')
    .argument('[what]', LIST_KINDS.join(' | '))
    .option('--json', 'one JSON array of {kind, name, gloss} instead of lines')
    .action(async (what: string | undefined, flags: { json?: boolean }) => {
      process.exitCode = await listCommand(what, flags);
    });
  withExitCodes(command, {
    0: 'listed',
    2: 'bad usage: an unknown kind (the line says the closest one)',
  });
}
