// Small builders for Grafana dashboard JSON (schemaVersion 39): a dashboard with templating variables,
// time series / stat panels laid out in a 24-column grid, and Prometheus queries. Only the fields these
// dashboards use; Grafana fills in the rest with its defaults when it loads the file.

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
export const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  exemplar?: boolean;
  datasource: typeof PROMETHEUS;
}

export interface Panel {
  id: number;
  type: 'timeseries' | 'stat' | 'row';
  title: string;
  description?: string;
  datasource?: typeof PROMETHEUS;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
  collapsed?: boolean;
  panels?: Panel[];
}

export interface QuerySpec {
  expr: string;
  legend?: string;
  exemplar?: boolean;
}

export interface PanelSpec {
  title: string;
  description?: string;
  queries: QuerySpec[];
  unit?: string;
  /** Panel width in grid columns (24 = full width); default 12. */
  width?: number;
  min?: number;
  max?: number;
  stack?: boolean;
}

/** A Prometheus query target; refIds A, B, ... in order. */
export function query(spec: QuerySpec, index: number): Target {
  const target: Target = {
    refId: String.fromCharCode(65 + index),
    expr: spec.expr,
    datasource: PROMETHEUS,
  };
  if (spec.legend !== undefined) target.legendFormat = spec.legend;
  if (spec.exemplar) target.exemplar = true;
  return target;
}

function fieldDefaults(spec: PanelSpec, custom: Record<string, unknown>): Record<string, unknown> {
  const defaults: Record<string, unknown> = { unit: spec.unit ?? 'short', custom };
  if (spec.min !== undefined) defaults.min = spec.min;
  if (spec.max !== undefined) defaults.max = spec.max;
  return defaults;
}

export function timeseries(spec: PanelSpec): Omit<Panel, 'id' | 'gridPos'> & { width: number } {
  return {
    type: 'timeseries',
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: PROMETHEUS,
    width: spec.width ?? 12,
    targets: spec.queries.map(query),
    fieldConfig: {
      defaults: fieldDefaults(spec, {
        drawStyle: 'line',
        lineWidth: 1,
        fillOpacity: spec.stack ? 30 : 10,
        showPoints: 'never',
        stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' },
      }),
      overrides: [],
    },
    options: {
      legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

export function stat(spec: PanelSpec): Omit<Panel, 'id' | 'gridPos'> & { width: number } {
  return {
    type: 'stat',
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: PROMETHEUS,
    width: spec.width ?? 6,
    targets: spec.queries.map(query),
    fieldConfig: { defaults: fieldDefaults(spec, {}), overrides: [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
      textMode: 'auto',
    },
  };
}

export interface Row {
  title: string;
  panels: Array<ReturnType<typeof timeseries>>;
}

/** Lays rows out top to bottom, panels left to right (8 units high), numbering ids from 1. */
export function layout(rows: Row[]): Panel[] {
  const panels: Panel[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    });
    y += 1;
    let x = 0;
    for (const { width, ...panel } of row.panels) {
      if (x + width > 24) {
        x = 0;
        y += 8;
      }
      panels.push({ ...panel, id: id++, gridPos: { x, y, w: width, h: 8 } });
      x += width;
    }
    y += 8;
  }
  return panels;
}

/** The datasource variable every panel uses. */
export function datasourceVariable(): Record<string, unknown> {
  return {
    name: 'datasource',
    label: 'Prometheus',
    type: 'datasource',
    query: 'prometheus',
    current: { text: 'Prometheus', value: 'prometheus' },
    hide: 0,
    refresh: 1,
    regex: '',
  };
}

/** A multi-value variable filled from a label's values (`label_values(metric, label)`). */
export function labelVariable(
  name: string,
  title: string,
  label: string,
  metric: string,
): Record<string, unknown> {
  return {
    name,
    label: title,
    type: 'query',
    datasource: PROMETHEUS,
    query: {
      query: `label_values(${metric}, ${label})`,
      refId: 'PrometheusVariableQueryEditor-VariableQuery',
    },
    definition: `label_values(${metric}, ${label})`,
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
    hide: 0,
    sort: 1,
    regex: '',
  };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: Array<Record<string, unknown>>;
  rows: Row[];
  refresh?: string;
  from?: string;
}

export function dashboard(spec: DashboardSpec): Record<string, unknown> {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: spec.refresh ?? '10s',
    time: { from: spec.from ?? 'now-30m', to: 'now' },
    templating: { list: spec.variables },
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    panels: layout(spec.rows),
  };
}
