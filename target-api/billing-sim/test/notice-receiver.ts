// A real HTTP server on loopback standing in for the API's /v1/payment-notices endpoint in the
// simulator's own tests: it records what arrives and answers with the status its script says.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotice {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: {
    noticeId: string;
    billingCode: string;
    bookingId: string;
    amount: number;
    paidAt: string;
    channel: string;
  };
  at: number;
}

export interface NoticeReceiver {
  url: string;
  received: ReceivedNotice[];
  /** Resolves once `count` notices (acknowledged or not) have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedNotice[]>;
  close(): Promise<void>;
}

/** `answer(n)` gives the status for the n-th request (0-based); 200 by default. */
export async function startNoticeReceiver(
  answer: (n: number) => number = () => 200,
): Promise<NoticeReceiver> {
  const received: ReceivedNotice[] = [];
  let waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const status = answer(received.length);
      received.push({ headers: req.headers, rawBody, body: JSON.parse(rawBody), at: Date.now() });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"outcome":"accepted"}');
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited ${timeoutMs} ms for ${count} notices, got ${received.length}`)),
          timeoutMs,
        );
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          resolve(received.slice(0, count));
        };
        waiters.push(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
