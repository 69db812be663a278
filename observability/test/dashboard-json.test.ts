// The committed dashboard JSON is what the generator produces now (run `npm run dashboards` after a
// change), and every panel is usable: a title, a Prometheus datasource and at least one query; runs and
// injected faults are annotated, latency panels ask for exemplars, and the SLO stats turn at the objective.
import { readdirSync, readFileSync } from 'node:fs';
import { SLO_TARGETS } from '@paspor-lab/load-scenarios/slo';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_EXPRS } from '../grafana/src/common.ts';
import { DASHBOARDS_DIR, renderDashboards } from '../grafana/src/generate.ts';

const DATASOURCE_VARIABLE = ['$', '{datasource}'].join('');

interface PanelJson {
  id: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ expr?: string; exemplar?: boolean; datasource?: { uid?: string } }>;
}

describe('generated Grafana dashboards', () => {
  const rendered = renderDashboards();

  it('the committed files equal the generator output (npm run dashboards)', () => {
    const committed = readdirSync(DASHBOARDS_DIR).filter((name) => name.endsWith('.json'));
    expect(committed.sort()).toEqual(Object.keys(rendered).sort());
    for (const [name, text] of Object.entries(rendered)) {
      expect(
        readFileSync(`${DASHBOARDS_DIR}${name}`, 'utf8'),
        `${name} is stale: run npm run dashboards`,
      ).toBe(text);
    }
  });

  for (const [name, text] of Object.entries(rendered)) {
    it(`${name}: every panel has a title, a datasource and a query`, () => {
      const board = JSON.parse(text) as { uid: string; panels: PanelJson[]; templating: { list: unknown[] } };
      const panels = board.panels.filter((panel) => panel.type !== 'row');
      expect(panels.length).toBeGreaterThan(5);
      for (const panel of panels) {
        expect(panel.title, JSON.stringify(panel)).toMatch(/\S/);
        expect(panel.datasource?.type, panel.title).toBe('prometheus');
        expect(panel.datasource?.uid, panel.title).toBe(DATASOURCE_VARIABLE);
        expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) expect(target.expr, panel.title).toMatch(/\S/);
      }
      const ids = board.panels.map((panel) => panel.id);
      expect(new Set(ids).size, 'panel ids are unique').toBe(ids.length);
    });
  }

  it('has the datasource, office and testid variables', () => {
    const names = Object.values(rendered).flatMap((text) =>
      (JSON.parse(text) as { templating: { list: Array<{ name: string }> } }).templating.list.map(
        (v) => v.name,
      ),
    );
    expect(new Set(names)).toEqual(new Set(['datasource', 'office', 'testid']));
  });

  const bookingApi = JSON.parse(rendered['booking-api.generated.json'] ?? '{}') as {
    panels: Array<PanelJson & { fieldConfig?: { defaults?: Record<string, unknown> } }>;
  };

  it('every latency panel of the service histograms shows exemplars (a dot opens its trace)', () => {
    const histograms = bookingApi.panels.filter((panel) =>
      panel.targets?.some((target) => /histogram_quantile/.test(target.expr ?? '')),
    );
    expect(histograms.map((panel) => panel.title)).toEqual([
      'Latency p95 / p99 by route',
      'Billing latency p95 / p99',
      'Code issue latency p50 / p99',
    ]);
    for (const panel of histograms) {
      expect(
        panel.targets?.every((target) => target.exemplar === true),
        panel.title,
      ).toBe(true);
    }
  });

  it('the SLO stats turn green at the objective of load-scenarios/lib/slo.ts', () => {
    const steps = (title: string) => {
      const thresholds = bookingApi.panels.find((panel) => panel.title === title)?.fieldConfig?.defaults
        ?.thresholds as { steps: Array<{ value: number | null; color: string }> } | undefined;
      return thresholds?.steps ?? [];
    };
    expect(steps('Availability (5m)')).toEqual([
      { value: null, color: 'red' },
      { value: SLO_TARGETS.availability, color: 'green' },
    ]);
    expect(steps('Payment codes within 30 s (5m)')[1]?.value).toBe(SLO_TARGETS.paymentCodeShare);
  });

  for (const [name, text] of Object.entries(rendered)) {
    it(`${name}: annotates load-test runs by testid and injected faults from Prometheus`, () => {
      const board = JSON.parse(text) as {
        annotations: { list: Array<{ name: string; expr?: string; datasource?: { uid?: string } }> };
      };
      const byName = new Map(board.annotations.list.map((a) => [a.name, a]));
      expect(byName.get('Load-test runs')?.expr).toMatch(/k6_vus\{testid=~/);
      expect(byName.get('Injected faults')?.expr).toBe(ANNOTATION_EXPRS.faults);
      for (const name of ['Load-test runs', 'Injected faults'])
        expect(byName.get(name)?.datasource?.uid).toBe(DATASOURCE_VARIABLE);
    });
  }
});
