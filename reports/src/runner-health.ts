// The load generator's own health as the reports read it: when the embedded runner marked a run
// saturated (summary.json's state.runnerHealth, load-runner/src/health.ts), its own queueing is in that
// run's latency figures, and the report says so in one sentence with the lag figures that show it. A
// run not marked, or one from an engine that keeps no such state (k6 itself), says nothing. Pure.
import { type MessageKey, type Translator, translator } from './i18n/index.ts';
import { type K6Summary, parseSummary } from './run-folder.ts';

/** What a saturated run's summary says of the runner (the figures are milliseconds). */
export interface RunnerSaturation {
  eventLoopLagP99Ms: number;
  /** null when no arrival-rate scenario ran (only those have a schedule to start late against). */
  iterationStartLagP95Ms: number | null;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The run's saturation, or null when the summary does not mark it saturated. */
export function runnerSaturation(summary: K6Summary): RunnerSaturation | null {
  const health = (summary.state as { runnerHealth?: unknown }).runnerHealth;
  if (typeof health !== 'object' || health === null) return null;
  const h = health as Record<string, unknown>;
  if (h.saturated !== true) return null;
  return {
    eventLoopLagP99Ms: finite(h.eventLoopLagP99Ms) ?? 0,
    iterationStartLagP95Ms: finite(h.iterationStartLagP95Ms),
  };
}

const KEYS = {
  loop: 'runnerHealth.eventLoopLag',
  start: 'runnerHealth.startLag',
  sentence: 'runnerHealth.saturated',
} as const satisfies Record<string, MessageKey>;

/** The one sentence: the latency figures are not trustworthy, and the lag figures that say why. */
export function saturationSentence(tr: Translator, saturation: RunnerSaturation): string {
  const lags = [tr.t(KEYS.loop, { ms: tr.number(saturation.eventLoopLagP99Ms, 0) })];
  if (saturation.iterationStartLagP95Ms !== null)
    lags.push(tr.t(KEYS.start, { ms: tr.number(saturation.iterationStartLagP95Ms, 0) }));
  return tr.t(KEYS.sentence, { lags: tr.list(lags) });
}

/**
 * The sentence for each saturated run among `runs`, led by the run's id when the report covers more
 * than one run (a comparison, a verification).
 */
export function saturationNotes(
  tr: Translator,
  runs: Array<{ id: string; summary: K6Summary }>,
  withIds: boolean,
): string[] {
  return runs.flatMap((run) => {
    const saturation = runnerSaturation(run.summary);
    if (!saturation) return [];
    const sentence = saturationSentence(tr, saturation);
    return [withIds ? `${run.id}: ${sentence}` : sentence];
  });
}

/**
 * What a report of a run with this raw summary.json content says of its load generator, in English:
 * the entry other packages' tests use (`@paspor-lab/reports/runner-health`).
 */
export function saturationNotesOfSummary(summary: unknown): string[] {
  return saturationNotes(translator('en'), [{ id: 'run', summary: parseSummary(summary) }], false);
}
