// Reads the scenario's configuration from __ENV (k6 `-e K=V` or the environment), with the defaults
// that suit a local run against `npm run serve`.

export interface Target {
  apiUrl: string;
  billingUrl: string;
  adminToken: string;
}

export function target(): Target {
  return {
    apiUrl: stripSlash(__ENV.API_URL || 'http://127.0.0.1:8080'),
    billingUrl: stripSlash(__ENV.BILLING_URL || 'http://127.0.0.1:8081'),
    adminToken: __ENV.ADMIN_TOKEN || '',
  };
}

/** SHORT=1 scales every scenario down to well under a minute, for CI. */
export function isShort(): boolean {
  return __ENV.SHORT === '1' || __ENV.SHORT === 'true';
}

/** A numeric knob: `name` from __ENV, else the short- or full-mode default. */
export function knob(name: string, full: number, short: number = full): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return isShort() ? short : full;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name}="${raw}" is not a number`);
  return value;
}

/** Seconds as a k6 duration string. */
export function seconds(value: number): string {
  return `${Math.max(0, Math.round(value))}s`;
}

function stripSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
