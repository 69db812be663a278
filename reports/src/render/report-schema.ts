// report.json as a TypeBox schema: the report's contract with machines (CI gates, dashboards). One file
// kind per folder: "run" (one run, or a candidate against a baseline run) and "verification". Fields are
// added, never renamed; `schemaVersion` says which contract a file follows. The JSON Schema file in the
// repository is exported from this.
import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const Readiness = Type.Union([
  Type.Literal('ready'),
  Type.Literal('at-risk'),
  Type.Literal('not-ready'),
  Type.Literal('not-tested'),
]);

export const JourneyJson = Type.Object({
  id: Type.Union([Type.Literal('seat'), Type.Literal('code'), Type.Literal('pay'), Type.Literal('access')]),
  readiness: Readiness,
  /** The journey's sentence in the report's language. */
  text: Type.String(),
  findings: Type.Array(
    Type.Object({
      key: Type.String(),
      params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
    }),
  ),
});

export const BudgetJson = Type.Object(
  {
    id: Type.String(),
    allowedBadShare: Type.Number(),
    badShare: Type.Number(),
    basis: Type.Union([Type.Literal('counted'), Type.Literal('share'), Type.Literal('percentiles')]),
    burnRate: Type.Number(),
    /** null when nothing burns: the budget lasts indefinitely. */
    exhaustedAfterMs: Nullable(Type.Number()),
    spentShare: Type.Number(),
    windowDays: Type.Number(),
    sentence: Type.String(),
  },
  { additionalProperties: true },
);

const TimelineJson = Type.Object(
  {
    testid: Type.String(),
    timeScale: Type.Number(),
    faults: Type.Array(
      Type.Object({ kind: Type.String(), fromSecond: Type.Number(), toSecond: Nullable(Type.Number()) }),
    ),
    alerts: Type.Array(
      Type.Object(
        {
          alertname: Type.String(),
          detectSeconds: Nullable(Type.Number()),
          resolveSeconds: Nullable(Type.Number()),
        },
        { additionalProperties: true },
      ),
    ),
    /** Every event in time order, in the report's language. */
    events: Type.Array(Type.Object({ second: Type.Number(), kind: Type.String(), text: Type.String() })),
  },
  { additionalProperties: true },
);

const Pdf = Nullable(
  Type.Object({
    written: Type.Boolean(),
    note: Type.Optional(Type.String()),
    problem: Type.Optional(Type.String()),
  }),
);

const RunSummary = Type.Object(
  {
    id: Type.String(),
    scenario: Type.String(),
    profile: Nullable(Type.String()),
    defects: Type.Array(Type.String()),
    passed: Type.Boolean(),
    reasons: Type.Array(
      Type.Object({ kind: Type.String(), key: Type.String() }, { additionalProperties: true }),
    ),
    slos: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          value: Nullable(Type.Number()),
          ok: Nullable(Type.Boolean()),
          target: Type.Number(),
        },
        { additionalProperties: true },
      ),
    ),
    journeys: Type.Array(JourneyJson),
    budgets: Type.Array(BudgetJson),
    /** The alert timeline of an observed run (--observe); null when it was not observed. */
    timeline: Type.Optional(Nullable(TimelineJson)),
  },
  { additionalProperties: true },
);

export const RunReportJson = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    kind: Type.Literal('run'),
    generatedAt: Type.String(),
    lang: Type.Union([Type.Literal('en'), Type.Literal('id')]),
    verdict: Type.Object({
      status: Type.Union([
        Type.Literal('pass'),
        Type.Literal('fail'),
        Type.Literal('proven'),
        Type.Literal('not-proven'),
      ]),
      ok: Type.Boolean(),
      sentence: Type.String(),
    }),
    comparison: Nullable(Type.Object({ proven: Type.Boolean() }, { additionalProperties: true })),
    sloTargets: Type.Record(Type.String(), Type.Number()),
    candidate: RunSummary,
    baseline: Nullable(RunSummary),
    pdf: Pdf,
  },
  { additionalProperties: false },
);

const Claim = Type.Object({
  id: Type.String(),
  verdict: Type.Union([
    Type.Literal('verified'),
    Type.Literal('regressed'),
    Type.Literal('no change'),
    Type.Literal('inconclusive'),
  ]),
  /** The reason in the report's language. */
  reason: Type.String(),
});

const SideJson = Type.Object({
  label: Type.String(),
  /** The alerts of the side's observed runs; null when none was observed. */
  alerts: Type.Optional(
    Nullable(
      Type.Object({
        label: Type.String(),
        observedRuns: Type.Integer({ minimum: 0 }),
        alerts: Type.Array(
          Type.Object({
            name: Type.String(),
            firedInRuns: Type.Integer({ minimum: 1 }),
            medianDetectSeconds: Nullable(Type.Number()),
          }),
        ),
      }),
    ),
  ),
  runs: Type.Integer({ minimum: 0 }),
  journeys: Type.Array(JourneyJson),
  burn: Type.Array(
    Type.Object(
      {
        id: Type.String(),
        medianBurnRate: Type.Number(),
        runs: Type.Integer(),
        allowedBadShare: Type.Number(),
      },
      {
        additionalProperties: true,
      },
    ),
  ),
});

export const VerificationReportJson = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    kind: Type.Literal('verification'),
    generatedAt: Type.String(),
    lang: Type.Union([Type.Literal('en'), Type.Literal('id')]),
    verdict: Type.Object({
      status: Type.Union([Type.Literal('verified'), Type.Literal('not-verified')]),
      ok: Type.Boolean(),
      exitCode: Type.Union([Type.Literal(0), Type.Literal(99)]),
      sentence: Type.String(),
    }),
    scenario: Type.String(),
    /** The statistics and the runs behind this report, relative to its folder. */
    verification: Type.Literal('verification.json'),
    baseline: SideJson,
    candidate: SideJson,
    claims: Type.Object({ defects: Type.Array(Claim), slos: Type.Array(Claim) }),
    missingRuns: Type.Array(Type.String()),
    pdf: Pdf,
  },
  { additionalProperties: false },
);

export const ReportJson = Type.Union([RunReportJson, VerificationReportJson], {
  $id: 'report.json',
  title: 'Paspor Lab report.json',
});
export type ReportJson = Static<typeof ReportJson>;
