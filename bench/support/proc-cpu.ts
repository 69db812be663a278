// CPU time a process has used, from /proc/<pid>/stat (user + system, all threads): a cost figure that
// other processes on a shared machine do not inflate, unlike wall time.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Milliseconds of CPU `pid` has used so far, or undefined when it is gone (or /proc is absent). */
export function cpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
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
