// paspor-lab list: every entry comes from a table the code runs on, every fault it names is one the
// service's PUT /admin/faults accepts (the real API on PGlite and the real billing simulator), and an
// unknown kind is one line with the closest name and exit 2.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CATALOGUE, DEFECT_IDS } from '@paspor-lab/target-api/defects/catalogue';
import { admin, createHarness, type Harness } from '@paspor-lab/target-api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEntries, type ListEntry, listEntries } from '../commands/list.ts';
import { SCENARIO_NAMES } from '../src/scenarios.ts';

const bin = fileURLToPath(new URL('../bin/paspor-lab.mjs', import.meta.url));
const names = (entries: ListEntry[], kind: ListEntry['kind']) =>
  entries.filter((e) => e.kind === kind).map((e) => e.name);

describe('paspor-lab list', () => {
  let entries: ListEntry[];
  let harness: Harness;
  // The harness starts PGlite and loads the whole API: seconds on a quiet machine, a minute on a busy one.
  beforeAll(async () => {
    entries = await listEntries();
    harness = await createHarness();
  }, 180_000);
  afterAll(() => harness?.close());

  it('names every scenario, both profiles and every defect of the catalogue with its gloss', () => {
    expect(names(entries, 'scenario')).toEqual([...SCENARIO_NAMES]);
    expect(names(entries, 'profile')).toEqual(['legacy', 'hardened']);
    expect(names(entries, 'defect')).toEqual([...DEFECT_IDS]);
    for (const defect of CATALOGUE) {
      expect(entries).toContainEqual({ kind: 'defect', name: defect.id, gloss: defect.gloss });
    }
    expect(entries.find((e) => e.name === 'legacy')?.gloss).toBe(`defects on: ${DEFECT_IDS.join(', ')}`);
  });

  it('prints one line per entry, each with its kind, name and a gloss', () => {
    const lines = formatEntries(entries).split('\n');
    expect(lines).toHaveLength(entries.length);
    for (const [i, line] of lines.entries()) {
      const entry = entries[i] as ListEntry;
      expect(line).toMatch(new RegExp(`^${entry.kind} +${entry.name.replace(/[.:]/g, '\\$&')} +\\S`));
    }
  });

  it("names only faults the service's PUT /admin/faults accepts, and each takes effect", async () => {
    const faults = names(entries, 'fault');
    expect(faults).toContain('api:database.latencyMs');
    expect(faults).toContain('billing-sim:billing.outage');
    expect(faults).toContain('billing-sim:notices.dropRate');
    const { app } = await harness.app();
    for (const fault of faults) {
      const [, service, group, field] = /^([\w-]+):(\w+)\.(\w+)$/.exec(fault) ?? [];
      const target = service === 'api' ? app : harness.billing;
      const value = /Rate$/.test(field ?? '') ? 0.5 : /Ms$/.test(field ?? '') ? 7 : true;
      const put = await target.inject({
        method: 'PUT',
        url: '/admin/faults',
        headers: admin,
        payload: { [group as string]: { [field as string]: value } },
      });
      expect(put.statusCode, `${fault}: ${put.body}`).toBe(200);
      expect(JSON.stringify(put.json()), fault).toContain(`"${field}":${value}`);
      await target.inject({ method: 'DELETE', url: '/admin/faults', headers: admin });
    }
  });

  it('answers an unknown kind with one line naming the closest, exit 2', () => {
    const result = spawnSync(process.execPath, [bin, 'list', 'defect'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'paspor-lab list: unknown kind "defect": did you mean defects? (valid: scenarios, profiles, defects, faults)\n',
    );
  });
});
