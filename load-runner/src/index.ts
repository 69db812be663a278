// The embedded k6-compatible runner: run a k6 script in Node and get k6's summary and exit code.
export { type RunOptions, type RunResult, run } from './engine.ts';
export { ExitCode } from './errors.ts';
export type { ProgressReport } from './outputs/progress.ts';
export type { SampleTap } from './outputs/sample-tap.ts';
export type { SummaryData, SummaryMetric } from './summary/build.ts';
export { textSummary } from './summary/text.ts';
