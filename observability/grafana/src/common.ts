// What both dashboards share, made with the Grafana foundation SDK's typed builders: the Prometheus
// datasource variable every panel queries, Prometheus queries, the panel styles, label variables, and
// the annotations for load-test runs (by testid) and for faults injected into the billing simulator.

import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  AnnotationQueryBuilder,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  type Panel,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
export const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' } as const;

export interface QuerySpec {
  expr: string;
  legend?: string;
  /** Ask for exemplars: each dot is one request, and its trace_id opens the trace (see provisioning). */
  exemplar?: boolean;
}

/** Prometheus query targets with refIds A, B, ... in order. */
export function queries(specs: QuerySpec[]): DataqueryBuilder[] {
  return specs.map((spec, index) => {
    const query = new DataqueryBuilder()
      .refId(String.fromCharCode(65 + index))
      .datasource(PROMETHEUS)
      .expr(spec.expr);
    if (spec.legend !== undefined) query.legendFormat(spec.legend);
    if (spec.exemplar) query.exemplar(true);
    return query;
  });
}

export interface TimeseriesSpec {
  title: string;
  description?: string;
  queries: QuerySpec[];
  unit?: string;
  min?: number;
  max?: number;
  stack?: boolean;
  /** A dashed line at this value (an SLO's bound), red above it. */
  sloLine?: number;
}

/** A time series panel, half the width, with a table legend (last and max) and a shared tooltip. */
export function timeseries(spec: TimeseriesSpec): TimeseriesPanelBuilder {
  const panel = new TimeseriesPanelBuilder()
    .title(spec.title)
    .datasource(PROMETHEUS)
    .targets(queries(spec.queries))
    .unit(spec.unit ?? 'short')
    .span(12)
    .height(8)
    .lineWidth(1)
    .fillOpacity(spec.stack ? 30 : 10)
    .showPoints(VisibilityMode.Never)
    .stacking(
      new StackingConfigBuilder().mode(spec.stack ? StackingMode.Normal : StackingMode.None).group('A'),
    )
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  if (spec.description) panel.description(spec.description);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  if (spec.sloLine !== undefined) {
    panel
      .thresholds(
        new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
          { value: null, color: 'green' },
          { value: spec.sloLine, color: 'red' },
        ]),
      )
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  return panel;
}

export interface StatSpec {
  title: string;
  description: string;
  expr: string;
  /** The objective: the value turns red below it. */
  objective: number;
}

/** A quarter-width stat of an SLI ratio, green at or above its objective. */
export function sloStat(spec: StatSpec): StatPanelBuilder {
  return new StatPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .targets(queries([{ expr: spec.expr }]))
    .unit('percentunit')
    .decimals(2)
    .span(6)
    .height(8)
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'red' },
        { value: spec.objective, color: 'green' },
      ]),
    )
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false))
    .colorMode(BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.Area)
    .textMode(BigValueTextMode.Auto);
}

/** The datasource variable every panel uses. */
export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource')
    .label('Prometheus')
    .type('prometheus')
    .current({ text: 'Prometheus', value: 'prometheus' });
}

/** A multi-value variable filled from a label's values (`label_values(metric, label)`). */
export function labelVariable(name: string, label: string, metric: string): QueryVariableBuilder {
  const definition = `label_values(${metric}, ${name})`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query({ query: definition, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(definition)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .includeAll(true)
    .multi(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' })
    .sort(VariableSort.AlphabeticalAsc);
}

/** Grafana's own annotations and alerts (what a dashboard has when made in the UI). */
export function builtInAnnotation(): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name('Annotations & Alerts')
    .builtIn(1)
    .datasource({ type: 'grafana', uid: '-- Grafana --' })
    .type('dashboard')
    .enable(true)
    .hide(true)
    .iconColor('rgba(0, 211, 255, 1)');
}

/** A Prometheus annotation: a region over every stretch of seconds in which `expr` has a value. */
function promAnnotation(name: string, expr: string, title: string, tagKeys: string, color: string) {
  return new AnnotationQueryBuilder()
    .name(name)
    .datasource(PROMETHEUS)
    .enable(true)
    .iconColor(color)
    .expr(expr)
    .step('1s')
    .titleFormat(title)
    .tagKeys(tagKeys);
}

/** The annotation queries, by name, for the test that runs them on a real Prometheus. */
export const ANNOTATION_EXPRS = {
  /** While a load test has VUs: its testid, from the runner's (or k6's) VU gauge. */
  runs: (testid: string) => `max by (testid) (k6_vus{testid=~"${testid}"}) > 0`,
  /** While a fault window is open in the billing simulator (billing calls or bank notices). */
  faults: 'max by (group) (billing_sim_fault_active) > 0',
} as const;

export function runAnnotation(testid: string): AnnotationQueryBuilder {
  return promAnnotation('Load-test runs', ANNOTATION_EXPRS.runs(testid), 'run {{testid}}', 'testid', 'blue');
}

export function faultAnnotation(): AnnotationQueryBuilder {
  return promAnnotation('Injected faults', ANNOTATION_EXPRS.faults, '{{group}} fault', 'group', 'red');
}

/**
 * A dashboard of this lab: UTC, shared crosshair, refreshed every 10 s over the last 30 minutes, the
 * datasource variable, and annotated with Grafana's own events and the injected faults.
 */
export function labDashboard(title: string, uid: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .timezone('utc')
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .version(1)
    .refresh('10s')
    .time({ from: 'now-30m', to: 'now' })
    .withVariable(datasourceVariable())
    .annotation(builtInAnnotation())
    .annotation(faultAnnotation());
}

/** A link in the dashboard's header to the lab's dashboards tagged `tag`, keeping the time range. */
export function dashboardLink(title: string, tag: string): DashboardLinkBuilder {
  return new DashboardLinkBuilder(title)
    .type(DashboardLinkType.Dashboards)
    .tags([tag])
    .includeVars(false)
    .keepTime(true);
}

export interface Row {
  title: string;
  panels: Array<cog.Builder<Panel>>;
}

/**
 * Adds the rows, each followed by its panels at the top level (the SDK lays them out left to right,
 * 24 columns wide), and numbers the panels 1, 2, ... in order (the builders leave ids to the caller).
 */
export function withRows(board: DashboardBuilder, rows: Row[]): Dashboard {
  for (const row of rows) {
    board.withRow(new RowBuilder(row.title));
    for (const panel of row.panels) board.withPanel(panel);
  }
  const built = board.build();
  for (const [index, panel] of (built.panels ?? []).entries()) panel.id = index + 1;
  return built;
}
