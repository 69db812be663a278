// Reads a V8 .cpuprofile (`node --cpu-prof`) and prints where the self time went: by function and by
// the package or project folder the code lives in. CPU samples, so other processes on the machine do not
// inflate the shares (they only make the sampled process run less often).
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
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

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
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const project = /\/(target-api\/[^/]+\/(?:src\/)?[^/]+)/.exec(url);
  return project?.[1] ?? url;
}

export function summarise(
  profile: CpuProfile,
  window: { fromMs?: number; toMs?: number } = {},
): { total: number; byFunction: Share[]; byBucket: Share[] } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    const ms = at / 1000;
    if (window.fromMs !== undefined && ms < window.fromMs) continue;
    if (window.toMs !== undefined && ms > window.toMs) continue;
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const functions = new Map<string, number>();
  const buckets = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    total += us;
    const where = frame.url ? `${frame.url.replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + us);
    const bucket = bucketOf(frame);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
  }
  const ranked = (map: Map<string, number>): Share[] =>
    [...map.entries()]
      .sort(([, a], [, b]) => b - a)
      .map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 }));
  return { total: total / 1000, byFunction: ranked(functions), byBucket: ranked(buckets) };
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
  const { total, byFunction, byBucket } = summarise(profile, {
    fromMs: values['from-ms'] === undefined ? undefined : Number(values['from-ms']),
    toMs: values['to-ms'] === undefined ? undefined : Number(values['to-ms']),
  });
  const line = (s: Share) =>
    `${(s.share * 100).toFixed(1).padStart(5)}%  ${s.ms.toFixed(0).padStart(7)} ms  ${s.name}`;
  process.stdout.write(`${file}: ${total.toFixed(0)} ms of samples (idle excluded)\n\nby package/folder\n`);
  process.stdout.write(`${byBucket.slice(0, top).map(line).join('\n')}\n\nby function (self)\n`);
  process.stdout.write(`${byFunction.slice(0, top).map(line).join('\n')}\n`);
}
