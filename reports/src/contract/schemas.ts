// The run folder and the verification folder as TypeBox schemas (docs/ARCHITECTURE.md, "The run folder"):
// the one declaration of their shapes. Types are derived from these; schema/*.json is exported from them.
import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const SIDES = ['baseline', 'candidate'] as const;

/** run.json: who ran what, where, and the one verdict of `judgeRun` (exit code, failed checks). */
export const RunJson = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    scenario: Type.String({ minLength: 1 }),
    short: Type.Optional(Type.Boolean()),
    profile: Type.String(),
    defects: Type.Array(Type.String()),
    engine: Type.String(),
    target: Type.Object({ url: Type.String(), billingUrl: Type.String(), startedByRun: Type.Boolean() }),
    startedAt: Type.String(),
    endedAt: Type.String(),
    versions: Type.Record(Type.String(), Type.String()),
    git: Type.Object({ commit: Nullable(Type.String()), dirty: Nullable(Type.Boolean()) }),
    machine: Type.Object({
      hostname: Type.String(),
      platform: Type.String(),
      release: Type.String(),
      arch: Type.String(),
      cpus: Type.Integer(),
      cpuModel: Type.String(),
      memoryBytes: Type.Number(),
    }),
    verdict: Type.Object({
      exitCode: Type.Integer(),
      passed: Type.Boolean(),
      failedThresholds: Type.Array(Type.String()),
      violatedInvariants: Type.Array(Type.Object({ name: Type.String(), violations: Type.Number() })),
      error: Type.Optional(Type.String()),
    }),
    /** breakpoint only: the offered arrival rate (iterations/s) when the first SLO broke. */
    knee: Type.Optional(
      Nullable(Type.Object({ ratePerSec: Type.Number(), atSecond: Type.Number(), reason: Type.String() })),
    ),
    /** Set when the run is one of a verification: its side and position in the A B A B order. */
    verification: Type.Optional(
      Type.Object({
        id: Type.String(),
        side: Type.Enum(SIDES),
        order: Type.Integer({ minimum: 0 }),
      }),
    ),
  },
  { $id: 'run.json', additionalProperties: true },
);
export type RunJson = Static<typeof RunJson>;

/** summary.json: the k6 handleSummary data shape (docs/K6-COMPAT.md, Outputs). */
const K6Threshold = Type.Object({ ok: Type.Boolean() });
export const K6Metric = Type.Object(
  {
    type: Type.Enum(['counter', 'gauge', 'rate', 'trend']),
    contains: Type.Enum(['default', 'time', 'data']),
    values: Type.Record(Type.String(), Type.Number()),
    thresholds: Type.Optional(Type.Record(Type.String(), K6Threshold)),
  },
  { additionalProperties: true },
);
export type K6Metric = Static<typeof K6Metric>;
export const K6Check = Type.Object({ name: Type.String(), passes: Type.Number(), fails: Type.Number() });
export type K6Check = Static<typeof K6Check>;
export interface K6Group {
  name: string;
  path: string;
  checks: K6Check[];
  groups: K6Group[];
}
/** The group tree is recursive; summary.json's schema checks the root's own fields and lets groups be. */
const K6GroupShallow = Type.Object(
  {
    name: Type.String(),
    path: Type.String(),
    checks: Type.Array(K6Check),
    groups: Type.Array(Type.Unknown()),
  },
  { additionalProperties: true },
);
export const SummaryJson = Type.Object(
  {
    root_group: K6GroupShallow,
    options: Type.Record(Type.String(), Type.Unknown()),
    state: Type.Object({ testRunDurationMs: Type.Number() }, { additionalProperties: true }),
    metrics: Type.Record(Type.String(), K6Metric),
  },
  { $id: 'summary.json', additionalProperties: true },
);
export interface K6Summary extends Omit<Static<typeof SummaryJson>, 'root_group'> {
  root_group: K6Group;
}

/** invariants.json: what the target's database says after the run (docs/DEFECTS.md, Invariants). */
export const InvariantResult = Type.Object({
  name: Type.String(),
  /** The target's own one-line statement of the rule, when it sends one. */
  description: Type.Optional(Nullable(Type.String())),
  violations: Type.Number({ minimum: 0 }),
  examples: Type.Optional(Type.Array(Type.Unknown())),
});
/** As read back (parseInvariants fills description and examples in). */
export type InvariantResult = Required<Static<typeof InvariantResult>>;
export const InvariantsJson = Type.Object(
  { ok: Type.Boolean(), invariants: Type.Array(InvariantResult) },
  { $id: 'invariants.json', additionalProperties: true },
);
export interface InvariantReport {
  ok: boolean;
  invariants: InvariantResult[];
}

/** One line of server.ndjson (numeric fields flattened into values). */
export const ServerSample = Type.Object({
  second: Nullable(Type.Number()),
  t: Nullable(Type.String()),
  values: Type.Record(Type.String(), Type.Number()),
  /** Why the sampler got no scrape this second (the target was saturated or down). */
  error: Nullable(Type.String()),
});
export type ServerSample = Static<typeof ServerSample>;

// ---- verification.json ----------------------------------------------------------------------------

export const Side = Type.Enum(SIDES);
export type Side = Static<typeof Side>;

export const SLO_CLAIM_IDS = ['availability', 'latencyP95', 'latencyP99', 'paymentCode'] as const;
export const SloClaimId = Type.Enum(SLO_CLAIM_IDS);
export type SloClaimId = Static<typeof SloClaimId>;

export const VERDICTS = ['verified', 'regressed', 'no change', 'inconclusive'] as const;
export const ClaimVerdict = Type.Enum(VERDICTS);
export type ClaimVerdict = Static<typeof ClaimVerdict>;

/** One SLO figure of one run: the value, its objective, and whether the run met it. */
export const SloFigure = Type.Object({
  value: Nullable(Type.Number()),
  ok: Nullable(Type.Boolean()),
  op: Type.Enum(['>=', '<=']),
  target: Type.Number(),
  unit: Type.Enum(['ratio', 'ms', 's', 'count']),
  /** The summary metric the figure was read from. */
  source: Nullable(Type.String()),
});
export type SloFigure = Static<typeof SloFigure>;

/** One run of a verification, reduced to the evidence the statistics use. */
export const RunEvidence = Type.Object({
  id: Type.String(),
  /** The run folder, relative to the verification folder. */
  dir: Type.String(),
  side: Side,
  /** Position in the interleaved order (0 = first run of the verification). */
  order: Type.Integer({ minimum: 0 }),
  startedAt: Type.String(),
  endedAt: Type.String(),
  exitCode: Type.Integer(),
  passed: Type.Boolean(),
  error: Type.Optional(Type.String()),
  /** Booking requests answered (held, quota exhausted, shed, timed out): the n of the binomial bound. */
  attempts: Type.Integer({ minimum: 0 }),
  slos: Type.Record(Type.String(), SloFigure),
  invariants: Nullable(Type.Array(Type.Object({ name: Type.String(), violations: Type.Number() }))),
  /** The measures a defect of this scenario is judged by: each one's figure and whether its thresholds held. */
  measures: Type.Optional(
    Type.Array(Type.Object({ name: Type.String(), value: Nullable(Type.Number()), ok: Type.Boolean() })),
  ),
});
export type RunEvidence = Static<typeof RunEvidence>;

export const SideSetup = Type.Object({
  /** "legacy", "hardened" or "defects: quota-race" as the command line said it. */
  label: Type.String(),
  profile: Type.String(),
  defects: Type.Array(Type.String()),
  runs: Type.Array(RunEvidence),
});
export type SideSetup = Static<typeof SideSetup>;

/** "0 violations in m runs and n attempts: at 95% confidence fewer than x in 10,000" (Clopper-Pearson). */
export const BinomialBound = Type.Object({
  violations: Type.Number({ minimum: 0 }),
  attempts: Type.Integer({ minimum: 0 }),
  runs: Type.Integer({ minimum: 0 }),
  confidence: Type.Number(),
  /** One-sided upper bound of the violation rate, per 10,000 attempts; null with no attempts. */
  upperPer10000: Nullable(Type.Number()),
  method: Type.Literal('clopper-pearson'),
});
export type BinomialBound = Static<typeof BinomialBound>;

/** Runs that showed a defect: "reproduced in k of n". */
export const RunCount = Type.Object({ k: Type.Integer({ minimum: 0 }), n: Type.Integer({ minimum: 0 }) });
export type RunCount = Static<typeof RunCount>;

export const DifferenceCi = Type.Object({
  /** candidate median - baseline median, in the SLO's unit. */
  estimate: Type.Number(),
  low: Type.Number(),
  high: Type.Number(),
  confidence: Type.Number(),
  resamples: Type.Integer(),
  method: Type.Literal('bootstrap-percentile'),
});
export type DifferenceCi = Static<typeof DifferenceCi>;

export const RankTest = Type.Object({
  method: Type.Enum(['exact-permutation-mann-whitney', 'monte-carlo-permutation-mann-whitney']),
  /** One-sided p-value that the candidate is better (worse) than the baseline. */
  pBetter: Type.Number(),
  pWorse: Type.Number(),
  /** The smallest one-sided p-value these run counts can give: above alpha, nothing can be shown. */
  pMin: Type.Number(),
});
export type RankTest = Static<typeof RankTest>;

export const FisherTest = Type.Object({
  method: Type.Literal('fisher-exact'),
  pBetter: Type.Number(),
  pWorse: Type.Number(),
  pMin: Type.Number(),
});
export type FisherTest = Static<typeof FisherTest>;

export const SloComparison = Type.Object({
  baseline: Type.Array(Nullable(Type.Number())),
  candidate: Type.Array(Nullable(Type.Number())),
  baselineMedian: Nullable(Type.Number()),
  candidateMedian: Nullable(Type.Number()),
  /** Runs that met the objective on each side. */
  baselineMet: RunCount,
  candidateMet: RunCount,
  difference: Nullable(DifferenceCi),
  test: Nullable(RankTest),
});
export type SloComparison = Static<typeof SloComparison>;

/** The words a reason is made of, so the report can say it in its own language (reasonKey + params). */
const ReasonParams = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]));

export const SloClaim = Type.Object({
  kind: Type.Literal('slo'),
  id: SloClaimId,
  verdict: ClaimVerdict,
  /** One sentence, English. */
  reason: Type.String(),
  reasonKey: Type.String(),
  reasonParams: ReasonParams,
  op: Type.Enum(['>=', '<=']),
  target: Type.Number(),
  unit: SloFigure.properties.unit,
  comparison: SloComparison,
});
export type SloClaim = Static<typeof SloClaim>;

export const DefectEvidence = Type.Union([
  Type.Object({ type: Type.Literal('invariant'), invariant: Type.String() }),
  Type.Object({ type: Type.Literal('slo'), slo: SloClaimId }),
  /**
   * The scenario's own measures (summary metrics with a threshold, such as quota-hoarding's
   * max_holds_per_account): a run reproduces the defect when one of them breaks its threshold.
   */
  Type.Object({ type: Type.Literal('measure'), measures: Type.Array(Type.String(), { minItems: 1 }) }),
]);
export type DefectEvidence = Static<typeof DefectEvidence>;

export const DefectClaim = Type.Object({
  kind: Type.Literal('defect'),
  id: Type.String(),
  /** On in the baseline, off in the candidate: the fix this verification is asked to prove. */
  claimed: Type.Boolean(),
  /** Off in the baseline, on in the candidate. */
  introduced: Type.Boolean(),
  verdict: ClaimVerdict,
  reason: Type.String(),
  reasonKey: Type.String(),
  reasonParams: ReasonParams,
  evidence: DefectEvidence,
  /** Runs with at least one violation, per side (invariant evidence only). */
  baselineReproduced: Nullable(RunCount),
  candidateReproduced: Nullable(RunCount),
  /** The candidate's bound on the violation rate (invariant evidence only). */
  candidateBound: Nullable(BinomialBound),
  test: Nullable(FisherTest),
  /** Violations per run, per side (invariant evidence only). */
  baselineViolations: Type.Array(Nullable(Type.Number())),
  candidateViolations: Type.Array(Nullable(Type.Number())),
});
export type DefectClaim = Static<typeof DefectClaim>;

export const Verification = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    kind: Type.Literal('verification'),
    id: Type.String(),
    scenario: Type.String(),
    short: Type.Boolean(),
    engine: Type.String(),
    lang: Type.Enum(['en', 'id']),
    startedAt: Type.String(),
    endedAt: Type.String(),
    git: RunJson.properties.git,
    machine: RunJson.properties.machine,
    /** How each run got a fresh database, in one sentence. */
    freshDatabase: Type.Object({ method: Type.String(), note: Type.String() }),
    runsPerSide: Type.Integer({ minimum: 1 }),
    /** The order the runs were made in: A B A B ... */
    order: Type.Array(Side),
    baseline: SideSetup,
    candidate: SideSetup,
    sloClaims: Type.Array(SloClaim),
    defectClaims: Type.Array(DefectClaim),
    /** Defects switched off in the candidate that this scenario does not reveal, with where to verify them. */
    notExamined: Type.Array(Type.Object({ defect: Type.String(), scenario: Nullable(Type.String()) })),
    /** The decision: 0 when every claimed fix is verified and nothing regressed, else 99. */
    outcome: Type.Object({
      exitCode: Type.Enum([0, 99]),
      verified: Type.Array(Type.String()),
      regressed: Type.Array(Type.String()),
      /** Claimed fixes that are not verified. */
      unproven: Type.Array(Type.String()),
      sentence: Type.String(),
    }),
    /** "How this was judged": the methods and their settings. */
    methods: Type.Object({
      alpha: Type.Number(),
      confidence: Type.Number(),
      minRunsPerSide: Type.Integer(),
      bootstrapResamples: Type.Integer(),
      invariants: Type.String(),
      slos: Type.String(),
      calibration: Type.String(),
    }),
    /** Manager-level facts: invariant examples (slots oversold, NIKs booked twice) per side, and totals. */
    facts: Type.Object({
      baseline: Type.Object({
        attempts: Type.Integer(),
        violations: Type.Record(Type.String(), Type.Number()),
        examples: Type.Record(Type.String(), Type.Array(Type.Unknown())),
      }),
      candidate: Type.Object({
        attempts: Type.Integer(),
        violations: Type.Record(Type.String(), Type.Number()),
        examples: Type.Record(Type.String(), Type.Array(Type.Unknown())),
      }),
    }),
    /** The comparison report's files, relative to the verification folder. */
    reports: Type.Array(Type.String()),
  },
  { $id: 'verification.json', additionalProperties: false },
);
export type Verification = Static<typeof Verification>;
