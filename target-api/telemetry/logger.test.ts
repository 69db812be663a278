import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, redact, scrub, serializeRequest } from './logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { lines, raw, logger: createLogger({ service: 'test', level: 'debug', destination }) };
}

const NIK = '3174011501900001';
const EMAIL = 'siti.rahayu@example.co.id';

describe('logger', () => {
  it('redacts NIK, e-mail, password, tokens, authorization and signature fields wherever they sit', () => {
    const { logger, raw, lines } = capture();
    logger.info({
      nik: NIK,
      body: { email: EMAIL, password: 'rahasia123', applicant: { nik: NIK } },
      token: 'abc.def',
      req: { headers: { authorization: 'Bearer abc.def', 'x-signature': 'sha256=ff00' } },
      headers: { authorization: 'Bearer abc.def', 'x-signature': 'sha256=ff00' },
      notice: { signature: 'sha256=ff00' },
    });
    const text = raw.join('\n');
    for (const secret of [NIK, EMAIL, 'rahasia123', 'abc.def', 'sha256=ff00'])
      expect(text).not.toContain(secret);
    expect(lines[0]?.nik).toBe(REDACTED);
    expect(lines[0]?.body).toMatchObject({ password: REDACTED });
  });

  it('scrubs NIKs and e-mails out of free text and errors, but leaves trace ids and billing codes alone', () => {
    const { logger, raw } = capture();
    const traceId = '31740115019000014bf92f3577b34da6';
    logger.error(
      {
        err: new Error(`duplicate key (nik)=(${NIK}) for ${EMAIL}`),
        trace_hint: traceId,
        billingCode: '812345678901234',
      },
      `failed for ${EMAIL}, Authorization: Bearer tok.sig`,
    );
    const text = raw.join('\n');
    const line = JSON.parse(raw[0] ?? '{}');
    expect(line.msg).toBe(`failed for ${REDACTED}, Authorization: Bearer ${REDACTED}`);
    expect(line.err.message).toBe(`duplicate key (nik)=(${REDACTED}) for ${REDACTED}`);
    expect(line.err.stack).not.toContain(NIK);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain('tok.sig');
    // A hex id that happens to open with 16 digits is not a NIK.
    expect(line.trace_hint).toBe(traceId);
    expect(text).toContain('812345678901234');
    expect(scrub(`nik ${NIK}.`)).toBe(`nik ${REDACTED}.`);
  });

  it('logs a request without its query string, where e-mails travel on admin routes', () => {
    const out = serializeRequest({ method: 'GET', url: `/admin/mailbox?email=${EMAIL}`, id: 'r1' });
    expect(out).toEqual({ id: 'r1', method: 'GET', route: undefined, path: '/admin/mailbox' });
  });

  it('redacts secret fields at any depth and inside arrays, and leaves clean objects uncopied', () => {
    const clean = { route: '/v1/bookings', status_code: 201, nested: { ok: [1, 2] } };
    expect(redact(clean)).toBe(clean);
    const dirty = { a: { b: { c: { d: [{ Email: 'x@y.id', keep: 1 }] } } }, Authorization: 'Bearer t' };
    expect(redact(dirty)).toEqual({
      a: { b: { c: { d: [{ Email: REDACTED, keep: 1 }] } } },
      Authorization: REDACTED,
    });
    expect(dirty.a.b.c.d[0]?.Email).toBe('x@y.id'); // the caller's object is not changed
  });

  it('refuses an unknown LOG_LEVEL with a message saying what to use', () => {
    expect(() => createLogger({ service: 't', level: 'loud' })).toThrow(/LOG_LEVEL="loud".*info/);
  });
});
