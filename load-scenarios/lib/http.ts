// JSON over k6's asynchronous HTTP client. Every request carries a `surface` tag (api, admin, bank,
// warm-up) and a `step` tag naming the journey step, so thresholds can select "booking requests" exactly.
import http, { type RefinedResponse } from 'k6/http';
import { setTimeout } from 'k6/timers';

// Availability is "answers without a 5xx" (docs/DEFECTS.md): a 409 quota-exhausted, or a 429 asking the
// client to come back later, is a correct answer. Status 0 (timeout, reset) and 5xx are failures.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 499 }));

/**
 * Where a request goes: the booking API's users (`api`, what the availability SLO counts), the admin API,
 * the bank's notices, the booking API before the measured moment (`warm-up`, see journey.warmUp), or
 * the booking API from a tout's bot (`tout`: its bursts are meant to be shed, so the SLO leaves it out), or
 * login and password reset while the identity store is down (`identity`), and uploads while the document
 * store is (`documents`): the outage-2023 premise, judged by its own measures.
 */
export type Surface = 'api' | 'admin' | 'bank' | 'warm-up' | 'tout' | 'identity' | 'documents';

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  /** Seconds; k6's default of 60 s is longer than any scenario wants to wait. */
  timeoutS?: number;
}

export type Response = RefinedResponse<'text'>;

export async function request(
  surface: Surface,
  step: string,
  method: string,
  url: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  return http.asyncRequest(method, url, body === undefined ? null : JSON.stringify(body), {
    headers,
    responseType: 'text',
    timeout: `${options.timeoutS ?? 20}s`,
    // `name` groups URLs with ids in them, so a time series never gets one line per booking.
    tags: { surface, step, name: step },
  });
}

/** Sends a file as the body, as is (an upload): `content` with its own Content-Type. */
export async function sendFile(
  surface: Surface,
  step: string,
  url: string,
  contentType: string,
  content: string,
  options: RequestOptions = {},
): Promise<Response> {
  return http.asyncRequest('PUT', url, content, {
    headers: {
      Accept: 'application/json',
      'Content-Type': contentType,
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    responseType: 'text',
    timeout: `${options.timeoutS ?? 20}s`,
    tags: { surface, step, name: step },
  });
}

/** The parsed JSON body, or null when there is none or it is not JSON. */
export function json<T>(res: Response): T | null {
  if (typeof res.body !== 'string' || res.body.length === 0) return null;
  try {
    return JSON.parse(res.body) as T;
  } catch {
    return null;
  }
}

/** Retry-After in milliseconds (seconds form only, as the API sends it), or the fallback. */
export function retryAfterMs(res: Response, fallbackMs: number): number {
  const raw = res.headers['Retry-After'] ?? res.headers['retry-after'];
  const secondsValue = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(secondsValue) && secondsValue >= 0 ? secondsValue * 1000 : fallbackMs;
}

/** Waits without blocking the VU's event loop (sleep() would; see docs/K6-COMPAT.md). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });
}

/** A problem+json slug (`.../problems/<slug>`) from an error answer, or ''. */
export function problemSlug(res: Response): string {
  const problem = json<{ type?: string }>(res);
  const type = problem?.type ?? '';
  return type.slice(type.lastIndexOf('/') + 1);
}
