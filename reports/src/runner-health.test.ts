import { describe, expect, it } from 'vitest';
import { k6Summary, runJson } from '../test/fixtures.ts';
import { translator } from './i18n/index.ts';
import { buildReportModel } from './model.ts';
import { renderHtml } from './render/html.ts';
import { buildJsonReport } from './render/json.ts';
import { renderMarkdown } from './render/markdown.ts';
import { parseRunMeta, parseSummary, type RunFolder } from './run-folder.ts';
import { runnerSaturation, saturationNotes, saturationSentence } from './runner-health.ts';

/** state.runnerHealth as load-runner/src/health.ts writes it. */
function health(saturated: boolean, startLag: number | null) {
  return {
    saturated,
    reason: saturated ? 'iteration start lag p95 11234 ms > 100 ms' : null,
    eventLoopLagP99Ms: saturated ? 7712.4 : 3.1,
    iterationStartLagP95Ms: startLag,
    bounds: { eventLoopLagP99Ms: 200, iterationStartLagP95Ms: 100 },
  };
}

function summary(runnerHealth?: ReturnType<typeof health>) {
  const raw = k6Summary('hardened');
  return parseSummary(runnerHealth ? { ...raw, state: { ...raw.state, runnerHealth } } : raw);
}

function folder(id: string, runnerHealth?: ReturnType<typeof health>): RunFolder {
  return {
    dir: `/runs/${id}`,
    meta: parseRunMeta(runJson('hardened', id), id),
    summary: summary(runnerHealth),
    timeseries: [],
    server: [],
    invariants: null,
    missing: [],
  };
}

describe('runnerSaturation', () => {
  it('reads a saturated run from state.runnerHealth, with both lag figures', () => {
    expect(runnerSaturation(summary(health(true, 11234)))).toEqual({
      eventLoopLagP99Ms: 7712.4,
      iterationStartLagP95Ms: 11234,
    });
  });

  it('is null for a run not marked, and for a summary without the runner state (k6 itself)', () => {
    expect(runnerSaturation(summary(health(false, 12)))).toBeNull();
    expect(runnerSaturation(summary())).toBeNull();
  });
});

describe('the sentence', () => {
  it('says in English that the latency figures are not trustworthy, and why', () => {
    const sentence = saturationSentence(translator('en'), {
      eventLoopLagP99Ms: 7712.4,
      iterationStartLagP95Ms: 11234,
    });
    expect(sentence).toBe(
      'The load generator was saturated during this run (event-loop lag p99 7,712 ms and iterations started p95 11,234 ms behind schedule), so its own queueing is in the latency figures, which are not trustworthy.',
    );
  });

  it('says it in Indonesian, naming only the event-loop lag when no arrival-rate scenario ran', () => {
    const sentence = saturationSentence(translator('id'), {
      eventLoopLagP99Ms: 412,
      iterationStartLagP95Ms: null,
    });
    expect(sentence).toBe(
      'Generator beban kewalahan selama uji ini (jeda event loop p99 412 ms), sehingga antreannya sendiri ikut terhitung dalam angka latensi, yang karena itu tidak dapat dipercaya.',
    );
  });

  it('leads each saturated run with its id where a report covers several runs', () => {
    const runs = [
      { id: 'run-1', summary: summary(health(false, 3)) },
      { id: 'run-2', summary: summary(health(true, 11234)) },
    ];
    const notes = saturationNotes(translator('en'), runs, true);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^run-2: The load generator was saturated/);
  });
});

describe('the single-run report', () => {
  const at = '2026-12-02T14:00:00.000Z';
  const model = (f: RunFolder, lang: 'en' | 'id' = 'en') =>
    buildReportModel({ candidate: f, baseline: null, tr: translator(lang), generatedAt: at });

  it('HTML, Markdown and JSON say it for a saturated run', () => {
    const tr = translator('en');
    const m = model(folder('run-s', health(true, 11234)));
    expect(renderHtml(tr, m)).toContain('latency figures, which are not trustworthy.');
    expect(renderMarkdown(tr, m)).toContain(
      '- The load generator was saturated during this run (event-loop lag p99',
    );
    const json = buildJsonReport(tr, m, null);
    expect(json.candidate.runnerHealth.saturated).toBe(true);
    expect(json.candidate.runnerHealth.sentence).toMatch(/not trustworthy/);
    const id = translator('id');
    expect(renderMarkdown(id, model(folder('run-s', health(true, 11234)), 'id'))).toContain(
      'tidak dapat dipercaya',
    );
  });

  it('a normal run says nothing of the load generator', () => {
    const tr = translator('en');
    for (const f of [folder('run-n', health(false, 12)), folder('run-k6')]) {
      const m = model(f);
      expect(renderHtml(tr, m)).not.toContain('load generator');
      expect(renderMarkdown(tr, m)).not.toContain('load generator');
      expect(buildJsonReport(tr, m, null).candidate.runnerHealth).toEqual({
        saturated: false,
        sentence: null,
      });
    }
  });
});
