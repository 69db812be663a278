// Prometheus durations and the time scale of generated rules. The committed rules use the SRE
// workbook's windows (1h/5m at 14.4x, 6h/30m at 6x); a run of seconds (`paspor-lab run --observe`)
// loads the same rules with every window and `for` divided by RUN_TIME_SCALE, so that one second of a
// run stands for one minute of production: 5m -> 5 s, 1h -> 1 min, 6h -> 6 min, `for: 2m` -> 2 s.

/** The divisor `--observe` applies to every window and `for` (see observability/README.md). */
export const RUN_TIME_SCALE = 60;

const UNITS: Array<[string, number]> = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** "1h" -> 3600. Only the single-unit forms the rules use. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text);
  const unit = UNITS.find(([name]) => name === match?.[2]);
  if (!match || !unit) throw new Error(`not a duration this generator writes: ${text}`);
  return Number(match[1]) * unit[1];
}

/** 3600 -> "1h"; in the largest unit that divides it (Prometheus refuses fractions). */
export function formatDuration(seconds: number): string {
  const whole = Math.max(1, Math.round(seconds));
  for (const [name, size] of UNITS) if (whole % size === 0) return `${whole / size}${name}`;
  return `${whole}s`;
}

/** A production duration as the rules at this scale write it. */
export function scaled(duration: string, scale: number): string {
  return scale === 1 ? duration : formatDuration(parseDuration(duration) / scale);
}

/** "5m" -> "5 minutes", "1h" -> "hour" (for alert texts: "over the last hour"). */
export function spoken(duration: string): string {
  const seconds = parseDuration(duration);
  const [name, size] = UNITS.find(([, s]) => seconds % s === 0) ?? ['s', 1];
  const count = seconds / size;
  const word = { d: 'day', h: 'hour', m: 'minute', s: 'second' }[name] ?? name;
  return count === 1 ? word : `${count} ${word}s`;
}
