// A small JSON client for the end-to-end tests (undici over real loopback HTTP) and a poller.
import { request } from 'undici';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // Test code reads arbitrary fields of the answers; the assertions check their shape.
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes
  body: any;
}

export function http(baseUrl: string) {
  const send = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<JsonResponse> => {
    const response = await request(new URL(path, baseUrl), {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : null };
  };
  return {
    get: (path: string, headers: Record<string, string> = {}) => send('GET', path, undefined, headers),
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      send('POST', path, body, headers),
    put: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      send('PUT', path, body, headers),
    delete: (path: string, headers: Record<string, string> = {}) => send('DELETE', path, undefined, headers),
  };
}

/** Polls `probe` until it returns a value (not undefined), as a client honouring Retry-After would. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
