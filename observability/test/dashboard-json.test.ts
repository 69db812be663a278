// The committed dashboard JSON is what the generator produces now (run `npm run dashboards` after a
// change), and every panel is usable: a title, a Prometheus datasource and at least one query.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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

  it('the latency panels show exemplars', () => {
    const board = JSON.parse(rendered['booking-api.generated.json'] ?? '{}') as {
      panels: Array<PanelJson & { targets?: Array<{ exemplar?: boolean }> }>;
    };
    const latency = board.panels.find((panel) => panel.title === 'Latency p95 / p99 by route');
    expect(latency?.targets?.every((target) => target.exemplar === true)).toBe(true);
  });
});
