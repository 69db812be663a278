// CPU time a process has used, from /proc/<pid>/stat (user + system, all threads): a cost figure that
// other processes on a shared machine do not inflate, unlike wall time.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * Milliseconds of CPU `pid` has used so far, or undefined when it is gone (or /proc is absent). With
 * `mainThread`, only its main thread's (where the event loop runs; a worker's SQL is not counted).
 */
export function cpuMs(pid: number, mainThread = false): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** CPU milliseconds of each thread of `pid` so far, by thread id, with the thread's name. */
export function threadCpuMs(pid: number): Map<number, { name: string; ms: number }> {
  const threads = new Map<number, { name: string; ms: number }>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), {
        name,
        ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND,
      });
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return threads;
}

/** The thread that used the most CPU between two readings of threadCpuMs: what caps throughput. */
export function busiestThread(
  before: Map<number, { name: string; ms: number }>,
  after: Map<number, { name: string; ms: number }>,
): { tid: number; name: string; ms: number } | undefined {
  let busiest: { tid: number; name: string; ms: number } | undefined;
  for (const [tid, { name, ms }] of after) {
    const used = ms - (before.get(tid)?.ms ?? 0);
    if (!busiest || used > busiest.ms) busiest = { tid, name, ms: used };
  }
  return busiest;
}

/** Milliseconds since `pid` started (its start time in /proc against the system's uptime). */
export function msSinceStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return uptimeSeconds * 1000 - (startTicks * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU used by several processes together between two readings (processes gone since count as 0). */
export function cpuMsOf(pids: readonly number[]): Map<number, number> {
  const readings = new Map<number, number>();
  for (const pid of pids) readings.set(pid, cpuMs(pid) ?? 0);
  return readings;
}
