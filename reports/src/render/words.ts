// The sentences a manager reads, shared by the HTML and the Markdown: journey findings and error
// budgets in the report's language, with its numbers, dates and sessions.
import type { Translator } from '../i18n/index.ts';
import type { Finding, Journey } from '../journeys.ts';
import type { ErrorBudget, SloResult } from '../slo.ts';

/** Fills a finding's message: counts as numbers, shares as percentages, dates and sessions in words. */
export function findingText(tr: Translator, finding: Finding): string {
  const key = `finding.${finding.key}`;
  if (!tr.has(key)) return finding.key;
  const p = finding.params;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(p)) {
    if (name === 'share' && typeof value === 'number') params[name] = tr.percent(value, 2);
    else if (name === 'slos' && typeof value === 'string') {
      params[name] = tr.list(
        value
          .split(',')
          .map((id) => (tr.has(`sloShort.${id}`) ? tr.t(`sloShort.${id}` as 'sloShort.availability') : id)),
      );
    } else if (name === 'date' && typeof value === 'string') params[name] = tr.date(value);
    else if (name === 'session' && typeof value === 'string') {
      params[name] = tr.has(`session.${value}`) ? tr.t(`session.${value}` as 'session.PAGI') : value;
    } else if ((name === 'seconds' || name === 'limit') && typeof value === 'number') {
      params[name] = tr.number(value, 1);
    } else params[name] = typeof value === 'number' ? tr.number(value, 0) : value;
  }
  // "in 3 of 5 runs" only where there were several runs to count over.
  const runs = typeof p.runs === 'number' ? p.runs : 1;
  params.inRuns =
    typeof p.inRuns === 'number' && runs > 1
      ? tr.t('finding.inRuns', { inRuns: tr.number(p.inRuns, 0), runs: tr.number(runs, 0) })
      : '';
  const measured = typeof p.measured === 'number' ? p.measured : 0;
  params.metRuns =
    typeof p.met === 'number' && measured > 1
      ? tr.t('finding.metRuns', { met: tr.number(p.met, 0), measured: tr.number(measured, 0) })
      : '';
  return tr.t(key, params);
}

export function journeyText(tr: Translator, journey: Journey): string {
  return journey.findings.map((f) => findingText(tr, f)).join(' ');
}

export function journeyLabel(tr: Translator, journey: Journey): string {
  return tr.t(`journey.${journey.id}`);
}

export function readinessLabel(tr: Translator, journey: Journey): string {
  return tr.t(`readiness.${journey.readiness}`);
}

/** "99.5%" for availability, "95% under 500 ms" for latency: the objective the budget belongs to. */
export function budgetTarget(tr: Translator, budget: ErrorBudget, slo: SloResult | undefined): string {
  const good = tr.percent(1 - budget.allowedBadShare, 2);
  if (!slo) return good;
  if (slo.id === 'latencyP95' || slo.id === 'latencyP99') return `${good} < ${tr.number(slo.target, 0)} ms`;
  if (slo.id === 'paymentCode' && slo.unit === 's')
    return `${good} < ${tr.number(slo.target, 0)} ${tr.t('unit.s')}`;
  return good;
}

export function budgetSentence(tr: Translator, budget: ErrorBudget, slo: SloResult | undefined): string {
  const target = budgetTarget(tr, budget, slo);
  if (budget.exhaustedAfterMs === null || budget.burnRate === 0) {
    return tr.t('budget.noBurn', { days: budget.windowDays, target });
  }
  return tr.t('budget.sentence', {
    days: budget.windowDays,
    target,
    duration: tr.duration(budget.exhaustedAfterMs),
    spent: tr.percent(budget.spentShare, budget.spentShare < 0.001 ? 4 : 2),
  });
}

export function burnText(tr: Translator, budget: ErrorBudget): string {
  return `${tr.number(budget.burnRate, budget.burnRate < 10 ? 2 : 0)}×`;
}
