// Windows of injected faults (docs/DEFECTS.md, "Environment faults"), for shading the charts. A run
// folder may carry them as faults.ndjson, one window a line: {"kind":"billing outage","startAt":ISO,
// "endAt":ISO} (or "fromSecond"/"toSecond" on the chart's own clock). Absent file, no shading.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimePoint } from './timeseries.ts';

export interface FaultWindow {
  kind: string;
  /** Seconds on the charts' clock: second 0 is the first second of timeseries.ndjson. */
  fromSecond: number;
  toSecond: number;
}

export const FAULTS_FILE = 'faults.ndjson';

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The wall-clock start of second 0 of the series: its first line's time minus the second it closes. */
export function seriesOriginMs(points: Array<Pick<TimePoint, 'second' | 'ms'>>): number | null {
  for (const p of points) if (p.ms !== undefined && p.ms !== null) return p.ms - (p.second + 1) * 1000;
  return null;
}

export function parseFaults(text: string, originMs: number | null): FaultWindow[] {
  const out: FaultWindow[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a torn last line of a killed run
    }
    const kind = typeof json.kind === 'string' ? json.kind : 'fault';
    let from = num(json.fromSecond);
    let to = num(json.toSecond);
    if ((from === null || to === null) && originMs !== null) {
      const start = typeof json.startAt === 'string' ? Date.parse(json.startAt) : Number.NaN;
      const end = typeof json.endAt === 'string' ? Date.parse(json.endAt) : Number.NaN;
      if (Number.isFinite(start) && Number.isFinite(end)) {
        from = (start - originMs) / 1000;
        to = (end - originMs) / 1000;
      }
    }
    if (from !== null && to !== null && to > from) out.push({ kind, fromSecond: from, toSecond: to });
  }
  return out;
}

export async function readFaultWindows(dir: string, originMs: number | null): Promise<FaultWindow[]> {
  try {
    return parseFaults(await readFile(join(dir, FAULTS_FILE), 'utf8'), originMs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
