// Requests Node's HTTP parser refuses before Fastify sees them, sent as raw bytes over node:net to the
// listening API and billing simulator: each is answered application/problem+json with a reason, and
// the connection is closed (they got Fastify's plain JSON).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawAnswer, RawConnection } from '../../test/support/raw-http.ts';
import { createHarness, type Harness } from './helper.ts';

let harness: Harness;
let apiPort: number;
let billingPort: number;

beforeAll(async () => {
  harness = await createHarness();
  const { app } = await harness.app({ profile: 'hardened' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the API is not listening');
  apiPort = address.port;
  billingPort = Number(new URL(harness.billingUrl).port);
});
afterAll(async () => {
  await harness?.close();
});

interface ParserAnswer extends RawAnswer {
  /** The server closed the connection (it did not wait for the client to hang up). */
  closedByServer: boolean;
}

/** Writes `bytes` to a fresh connection, reads the answer, then waits up to 5 s for the server to close. */
async function exchange(port: number, bytes: string | Buffer): Promise<ParserAnswer> {
  const connection = new RawConnection(port);
  try {
    await connection.opened;
    const answer = await connection.send(bytes);
    const closedByServer = await Promise.race([
      connection.closed.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, 5_000, false)),
    ]);
    return { ...answer, closedByServer };
  } finally {
    connection.close();
  }
}

const host = 'Host: 127.0.0.1\r\n';
const CASES: [string, string | Buffer, number, RegExp][] = [
  [
    'a duplicate Content-Length',
    `POST /v1/auth/login HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 12\r\n\r\n{}`,
    400,
    /content-length/i,
  ],
  [
    'Content-Length with Transfer-Encoding',
    `POST /v1/auth/login HTTP/1.1\r\n${host}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    400,
    /transfer-encoding/i,
  ],
  [
    'a chunk size that is not hexadecimal',
    `POST /v1/auth/login HTTP/1.1\r\n${host}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    400,
    /chunk/i,
  ],
  [
    'a control byte in the path',
    Buffer.from(`GET /v1/off\x01ices HTTP/1.1\r\n${host}\r\n`, 'latin1'),
    400,
    /url|path/i,
  ],
  [
    'a NUL byte in a header value',
    Buffer.from(`GET /health/live HTTP/1.1\r\n${host}X-A: a\x00b\r\n\r\n`, 'latin1'),
    400,
    /header/i,
  ],
  ['an unknown method token', `BR3W!NG / HTTP/1.1\r\n${host}\r\n`, 400, /method/i],
  [
    'headers larger than the server limit',
    `GET /health/live HTTP/1.1\r\n${host}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    431,
    /headers/i,
  ],
];

function expectProblem(answer: ParserAnswer, status: number, reason: RegExp) {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.headers.connection).toBe('close');
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
  const problem = JSON.parse(answer.body);
  expect(problem.type).toMatch(/^https:\/\/paspor-lab\.dev\/problems\/[a-z-]+$/);
  expect(problem.status).toBe(status);
  expect(problem.detail).toMatch(reason);
  expect(problem.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(answer.closedByServer).toBe(true);
}

describe('requests refused by the HTTP parser', () => {
  it.each(CASES)(
    'the API answers %s with a problem+json and closes',
    async (_name, bytes, status, reason) => {
      expectProblem(await exchange(apiPort, bytes), status, reason);
    },
  );

  it.each(CASES)(
    'the billing simulator answers %s with a problem+json and closes',
    async (_name, bytes, status, reason) => {
      expectProblem(await exchange(billingPort, bytes), status, reason);
    },
  );

  it('answers a good request on the same kind of raw connection normally (the probe is sound)', async () => {
    const answer = await exchange(apiPort, `GET /health/live HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('application/json');
  });

  it('keeps serving after a burst of malformed connections', async () => {
    await Promise.all(CASES.flatMap(([, bytes]) => [exchange(apiPort, bytes), exchange(apiPort, bytes)]));
    const answer = await exchange(apiPort, `GET /health/ready HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
    expect(answer.status).toBe(200);
  });
});
