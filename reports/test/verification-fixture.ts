// A verification folder as `paspor-lab verify` writes it (reports/src/contract/README.md): run folders
// under runs/, interleaved A B A B, and verification.json decided by the real statistics
// (reports/src/stats) from the evidence of those very folders.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
// The evidence `paspor-lab verify` itself takes from a run folder, so the fixture cannot drift from it.
import { evidenceOf } from '@paspor-lab/cli/verification';
import { writeVerification } from '../src/contract/files.ts';
import type { RunEvidence, SideSetup, Verification } from '../src/contract/schemas.ts';
import { readRunFolder } from '../src/run-folder.ts';
import { judgeVerification, methods } from '../src/stats/verdicts.ts';
import { type Profile, runJson, writeRunFolder } from './fixtures.ts';

async function evidence(root: string, dir: string, side: 'baseline' | 'candidate', order: number) {
  return evidenceOf(await readRunFolder(dir), side, order, root);
}

/** Writes `<parent>/<id>/` with `runs` runs a side of `baseline` against `candidate`; returns its path. */
export async function writeVerificationFolder(
  parent: string,
  options: { id?: string; runs?: number; baseline?: Profile; candidate?: Profile } = {},
): Promise<string> {
  const id = options.id ?? 'verify-quota-rush';
  const runs = options.runs ?? 3;
  const sides = {
    baseline: options.baseline ?? 'legacy',
    candidate: options.candidate ?? 'hardened',
  } as const;
  const root = join(parent, id);
  await mkdir(join(root, 'runs'), { recursive: true });
  const ev: Record<'baseline' | 'candidate', RunEvidence[]> = { baseline: [], candidate: [] };
  const order: Verification['order'] = [];
  for (let i = 0; i < runs * 2; i++) {
    const side = i % 2 === 0 ? 'baseline' : 'candidate';
    const dir = await writeRunFolder(join(root, 'runs'), sides[side], { id: `run-${i}-${sides[side]}` });
    ev[side].push(await evidence(root, dir, side, i));
    order.push(side);
  }
  const setup = (label: Profile, runsOf: RunEvidence[]): SideSetup => ({
    label,
    profile: label,
    defects:
      label === 'legacy' ? ['quota-race', 'billing-fragile', 'duplicate-submit', 'overload-collapse'] : [],
    runs: runsOf,
  });
  const baseline = setup(sides.baseline, ev.baseline);
  const candidate = setup(sides.candidate, ev.candidate);
  const judged = judgeVerification('quota-rush', baseline, candidate);
  const machine = runJson('legacy', 'x').machine;
  const facts = (list: RunEvidence[]) => ({
    attempts: list.reduce((sum, r) => sum + r.attempts, 0),
    violations: {},
    examples: {},
  });
  await writeVerification(root, {
    schemaVersion: 1,
    kind: 'verification',
    id,
    scenario: 'quota-rush',
    short: true,
    engine: 'embedded',
    lang: 'en',
    startedAt: '2026-11-28T09:10:00.000Z',
    endedAt: '2026-11-28T09:16:00.000Z',
    git: { commit: '611f103a9c2e5d7b1f0e4c3a2b1d0e9f8a7b6c5d', dirty: false },
    machine,
    freshDatabase: { method: 'pglite-snapshot', note: 'each run loads a prepared PGlite data folder.' },
    runsPerSide: runs,
    order,
    baseline,
    candidate,
    ...judged,
    methods: methods(),
    facts: { baseline: facts(ev.baseline), candidate: facts(ev.candidate) },
    reports: ['report.html', 'report.md', 'report.json'],
  });
  return root;
}
