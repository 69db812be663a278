import { describe, expect, it } from 'vitest';
import { invariantsJson, k6Summary, runJson } from '../test/fixtures.ts';
import { judgeRun } from './contract/judge.ts';
import { translator } from './i18n/index.ts';
import { buildReportModel } from './model.ts';
import { parseInvariants, parseRunMeta, parseSummary, type RunFolder } from './run-folder.ts';
import { compareAssessments, type RunAssessment } from './verdict.ts';

function assess(profile: 'legacy' | 'hardened', options: { scenario?: string; invariants?: boolean } = {}) {
  const summary = parseSummary(k6Summary(profile));
  const invariants = options.invariants === false ? null : parseInvariants(invariantsJson(profile));
  return judgeRun({
    scenario: options.scenario ?? 'quota-rush',
    summary,
    invariants,
    invariantsRequired: false,
  });
}

function folder(profile: 'legacy' | 'hardened', id: string, scenario = 'quota-rush'): RunFolder {
  return {
    dir: `/runs/${id}`,
    meta: parseRunMeta(runJson(profile, id, scenario), id),
    summary: parseSummary(k6Summary(profile)),
    timeseries: [],
    server: [],
    invariants: parseInvariants(invariantsJson(profile)),
    missing: [],
  };
}

describe('compareAssessments', () => {
  it('proves the fix when the baseline failed and the candidate passes with every reason measured', () => {
    const result = compareAssessments(assess('legacy'), assess('hardened'));
    expect(result.proven).toBe(true);
    expect(result.resolved.map((r) => r.key)).toContain('slot-over-capacity');
  });

  it('does not prove a fix when the baseline did not fail', () => {
    expect(compareAssessments(assess('hardened'), assess('hardened'))).toMatchObject({
      proven: false,
      cause: 'baseline-passed',
    });
  });

  it('does not prove a fix when the candidate still fails, and names what still fails', () => {
    const result = compareAssessments(assess('legacy'), assess('legacy'));
    expect(result).toMatchObject({ proven: false, cause: 'candidate-failed' });
    if (!result.proven) expect(result.remaining.map((r) => r.key)).toContain('slot-over-capacity');
  });

  it('does not prove a fix when the candidate passes only because it did not check the invariants', () => {
    const result = compareAssessments(assess('legacy'), assess('hardened', { invariants: false }));
    expect(result).toMatchObject({ proven: false, cause: 'not-measured' });
    if (!result.proven)
      expect(result.unmeasured.map((r) => r.key)).toEqual(['slot-over-capacity', 'duplicate-active-booking']);
  });

  it('does not compare runs of different scenarios', () => {
    const candidate: RunAssessment = { ...assess('hardened'), scenario: 'smoke' };
    expect(compareAssessments(assess('legacy'), candidate)).toMatchObject({
      proven: false,
      cause: 'different-scenario',
    });
  });
});

describe('verdict sentence', () => {
  const at = '2026-11-28T10:00:00.000Z';

  it('says in English that the fix is proven and names the baseline failure and both runs', () => {
    const model = buildReportModel({
      candidate: folder('hardened', 'run-h'),
      baseline: folder('legacy', 'run-l'),
      tr: translator('en'),
      generatedAt: at,
    });
    expect(model.status).toBe('proven');
    expect(model.sentence).toMatch(/^The fix is proven: the baseline run run-l failed on /);
    expect(model.sentence).toContain('invariant slot-over-capacity (14 violations)');
    expect(model.sentence).toContain('run-h passes');
    expect(model.sentence).not.toMatch(/\{\w+\}/);
  });

  it('says in Indonesian that the fix is not proven and why', () => {
    const model = buildReportModel({
      candidate: folder('legacy', 'run-2'),
      baseline: folder('legacy', 'run-1'),
      tr: translator('id'),
      generatedAt: at,
    });
    expect(model.status).toBe('not-proven');
    expect(model.sentence).toMatch(/^Perbaikan belum terbukti: uji kandidat run-2 masih gagal pada /);
    expect(model.sentence).toContain(
      'invarian slot-over-capacity (14 pelanggaran), invarian duplicate-active-booking (3 pelanggaran), ketersediaan, latensi p95, dan latensi p99.',
    );
  });

  it('names a broken SLO once, not again as the failed threshold on the same metric', () => {
    const model = buildReportModel({
      candidate: folder('legacy', 'run-1'),
      baseline: null,
      tr: translator('en'),
    });
    // Thresholds on http_req_duration{step:book} and http_req_failed{surface:api} are the SLOs' sources.
    expect(model.candidate.assessment.reasons).toHaveLength(8);
    expect(model.sentence).toContain('availability, p95 latency and p99 latency.');
    expect(model.sentence).not.toContain('threshold');
  });

  it('states a single failing run as FAIL with its reasons', () => {
    const model = buildReportModel({
      candidate: folder('legacy', 'run-1'),
      baseline: null,
      tr: translator('en'),
    });
    expect(model.status).toBe('fail');
    expect(model.sentence).toMatch(/^Run run-1 \(quota-rush\) failed on invariant slot-over-capacity /);
  });
});
