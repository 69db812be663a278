// Reads a V8 .cpuprofile (`node --cpu-prof`) and prints where the samples went: self time by function and
// by the package or project folder the code lives in, and inclusive shares (a sample counts for every
// package on its stack: what telemetry's hooks cost, callees included).
//
// Shares count samples, not the time deltas between them: a sample lands only while the thread runs,
// but its delta also holds the time the thread was descheduled, which on a shared machine goes to
// whatever ran just before (a socket write that woke the database, typically).
//
// Command: node bench/support/profile-summary.ts <file.cpuprofile> [--top 30] [--from-ms N] [--to-ms N]
//   --from-ms / --to-ms keep only samples taken in that window of the profile (ms after its start).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds between samples as asked (--cpu-prof-interval, default 1000). */
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const SAMPLE_MS = 1;

export interface Share {
  name: string;
  ms: number;
  share: number;
}

/** The bucket a frame's self time is counted in: a package, a project folder, Node's internals, or V8's. */
export function bucketOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? url;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const project = /\/(target-api\/[^/]+\/(?:src\/)?[^/]+)/.exec(url);
  return project?.[1] ?? url;
}

export function summarise(
  profile: CpuProfile,
  window: { fromMs?: number; toMs?: number } = {},
): { samples: number; byFunction: Share[]; byBucket: Share[]; inclusive: Share[] } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const functions = new Map<string, number>();
  const buckets = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let samples = 0;
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const ms = at / 1000;
    if (window.fromMs !== undefined && ms < window.fromMs) continue;
    if (window.toMs !== undefined && ms > window.toMs) continue;
    const id = profile.samples[i] as number;
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    samples++;
    const where = frame.url ? `${frame.url.replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}` : '';
    add(functions, `${frame.functionName || '(anonymous)'} ${where}`.trim());
    add(buckets, bucketOf(frame));
    const onStack = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parents.get(up)) {
      const upper = nodes.get(up)?.callFrame;
      if (upper?.url) onStack.add(bucketOf(upper));
    }
    for (const bucket of onStack) add(inclusive, bucket);
  }
  const ranked = (map: Map<string, number>): Share[] =>
    [...map.entries()]
      .sort(([, a], [, b]) => b - a)
      .map(([name, n]) => ({ name, ms: n * SAMPLE_MS, share: samples > 0 ? n / samples : 0 }));
  return {
    samples,
    byFunction: ranked(functions),
    byBucket: ranked(buckets),
    inclusive: ranked(inclusive),
  };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string' }, 'from-ms': { type: 'string' }, 'to-ms': { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('profile-summary: name a .cpuprofile file, e.g. CPU.2026.cpuprofile\n');
    process.exit(2);
  }
  const top = Number(values.top ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { samples, byFunction, byBucket, inclusive } = summarise(profile, {
    fromMs: values['from-ms'] === undefined ? undefined : Number(values['from-ms']),
    toMs: values['to-ms'] === undefined ? undefined : Number(values['to-ms']),
  });
  const line = (s: Share) =>
    `${(s.share * 100).toFixed(1).padStart(5)}%  ${String(s.ms).padStart(6)}  ${s.name}`;
  process.stdout.write(`${file}: ${samples} samples (idle excluded)\n\nby package/folder (self)\n`);
  process.stdout.write(`${byBucket.slice(0, top).map(line).join('\n')}\n\nby package/folder (inclusive)\n`);
  process.stdout.write(`${inclusive.slice(0, top).map(line).join('\n')}\n\nby function (self)\n`);
  process.stdout.write(`${byFunction.slice(0, top).map(line).join('\n')}\n`);
}
