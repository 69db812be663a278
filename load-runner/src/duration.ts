// k6 duration strings ("1m30s", "500ms", "2h") and plain numbers (milliseconds) to milliseconds.
import { InvalidConfigError } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, us: 0.001, µs: 0.001 };
const PART = /(\d+(?:\.\d+)?)(ms|us|µs|s|m|h)/y;

export function parseDuration(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidConfigError(
      `${field}: expected a duration like "30s" or "1m30s", got ${JSON.stringify(value)}`,
    );
  }
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000; // k6 reads a bare number as seconds
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < value.length) {
    const at = PART.lastIndex;
    const match = PART.exec(value);
    if (!match || match.index !== at) {
      throw new InvalidConfigError(
        `${field}: "${value}" is not a duration (use e.g. "500ms", "30s", "1m30s")`,
      );
    }
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0);
  }
  return total;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest ? `${m}m${rest}s` : `${m}m`;
}

/** A duration as Go prints one (time.Duration.String: "1m0s", "10m0s", "1.5s", "500ms"), as k6 shows options. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Number(ms.toFixed(3))}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Number(((ms % 60_000) / 1000).toFixed(3));
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
