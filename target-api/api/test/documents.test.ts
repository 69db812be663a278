// Uploading an applicant's documents (docs/DOMAIN.md, the application), the refusals of bad files, and
// upload-fragile (docs/DEFECTS.md): while the document store fails or hangs, legacy answers a bare 500
// or waits as long as it takes; hardened answers 503 with Retry-After within its timeout.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_TIMEOUT_MS } from '../src/defects/upload-fragile.ts';
import { admin, bearer, createHarness, type Harness, type Seeded, seed } from './helper.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  await harness?.close();
});

/** A small but well-formed-looking PDF of `size` bytes. */
const pdf = (size: number, fill = 'x') => Buffer.from(`%PDF-1.7\n${fill.repeat(Math.max(0, size - 9))}`);

function uploader(app: FastifyInstance, who: Seeded) {
  const applicantId = who.applicants[0]?.applicantId as string;
  return {
    applicantId,
    auth: bearer(who.token),
    put: (body: Buffer | string, contentType = 'application/pdf', kind = 'e-ktp', id = applicantId) =>
      app.inject({
        method: 'PUT',
        url: `/v1/applicants/${id}/documents/${kind}`,
        headers: { ...bearer(who.token), 'content-type': contentType },
        payload: body,
      }),
    list: (id = applicantId) =>
      app.inject({ method: 'GET', url: `/v1/applicants/${id}/documents`, headers: bearer(who.token) }),
  };
}

async function withUploader(options: { profile?: 'legacy' | 'hardened'; env?: Record<string, string> } = {}) {
  const { app } = await harness.app(options);
  const [who, other] = await seed(app, 2);
  if (!who || !other) throw new Error('seed failed');
  const setFaults = (documents: { latencyMs?: number; errorRate?: number }) =>
    app.inject({ method: 'PUT', url: '/admin/faults', headers: admin, payload: { documents } });
  return { app, user: uploader(app, who), other: uploader(app, other), setFaults };
}

describe('uploading documents', () => {
  it('stores a file (201), replaces it (200), and lists it with its size and SHA-256', async () => {
    const { user } = await withUploader();
    const first = pdf(50_000);
    const created = await user.put(first);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      kind: 'e-ktp',
      contentType: 'application/pdf',
      sizeBytes: 50_000,
    });
    const second = pdf(70_000, 'y');
    const replaced = await user.put(second);
    expect(replaced.statusCode).toBe(200);
    expect(
      (await user.put(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]), 'image/jpeg', 'kartu-keluarga'))
        .statusCode,
    ).toBe(201);
    const listed = (await user.list()).json();
    expect(listed).toEqual([
      expect.objectContaining({
        kind: 'e-ktp',
        sizeBytes: 70_000,
        sha256: createHash('sha256').update(second).digest('hex'),
      }),
      expect.objectContaining({ kind: 'kartu-keluarga', contentType: 'image/jpeg', sizeBytes: 6 }),
    ]);
  });

  it('gives the file back byte for byte, with its Content-Type and digest', async () => {
    const { app, user, other } = await withUploader();
    const bytes = Buffer.concat([
      Buffer.from('%PDF-'),
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    ]);
    await user.put(bytes);
    const get = (who: typeof user, kind: string) =>
      app.inject({
        method: 'GET',
        url: `/v1/applicants/${user.applicantId}/documents/${kind}`,
        headers: who.auth,
      });
    const answer = await get(user, 'e-ktp');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/pdf');
    expect(answer.headers.etag).toBe(`"${createHash('sha256').update(bytes).digest('hex')}"`);
    expect(answer.rawPayload.equals(bytes)).toBe(true);
    expect((await get(user, 'paspor-lama')).statusCode).toBe(404);
    expect((await get(other, 'e-ktp')).statusCode).toBe(404);
  });

  it('refuses bad files with a problem that says what is wrong, and stores none of them', async () => {
    const { user } = await withUploader({ env: { DOCUMENT_MAX_BYTES: '65536' } });
    const cases: [Buffer | string, string, string, number, RegExp][] = [
      [pdf(1000), 'text/plain', 'e-ktp', 415, /unsupported-media-type$/],
      [pdf(70_000), 'application/pdf', 'e-ktp', 413, /payload-too-large$/],
      [Buffer.from('%PDF-1.7 but sent as a photo'), 'image/png', 'e-ktp', 422, /invalid-document$/],
      [Buffer.alloc(0), 'application/pdf', 'e-ktp', 422, /invalid-document$/],
      [pdf(1000), 'application/pdf', 'selfie', 400, /validation$/],
    ];
    for (const [body, type, kind, status, slug] of cases) {
      const answer = await user.put(body, type, kind);
      expect(answer.statusCode, `${type} ${kind} ${body.length} bytes`).toBe(status);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.json().type).toMatch(slug);
    }
    expect((await user.list()).json()).toEqual([]);
  });

  it("answers 404 for another account's applicant, and 401 without a token", async () => {
    const { app, user, other } = await withUploader();
    expect((await user.put(pdf(1000), 'application/pdf', 'e-ktp', other.applicantId)).statusCode).toBe(404);
    expect((await user.list(other.applicantId)).statusCode).toBe(404);
    const anonymous = await app.inject({
      method: 'PUT',
      url: `/v1/applicants/${user.applicantId}/documents/e-ktp`,
      headers: { 'content-type': 'application/pdf' },
      payload: pdf(1000),
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await other.list()).json()).toEqual([]);
  });
});

describe('upload-fragile: uploading while the document store is down', () => {
  it('answers a bare 500 when the store fails, and waits as long as a hung one takes, with upload-fragile alone', async () => {
    const { user, setFaults } = await withUploader({
      profile: 'hardened',
      env: { DEFECTS: 'upload-fragile' },
    });
    await setFaults({ errorRate: 1 });
    const failed = await user.put(pdf(1000));
    expect(failed.statusCode).toBe(500);
    expect(failed.headers['retry-after']).toBeUndefined();
    await setFaults({ latencyMs: DOCUMENT_TIMEOUT_MS * 2 });
    const started = Date.now();
    expect((await user.put(pdf(1000))).statusCode).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DOCUMENT_TIMEOUT_MS * 2);
  });

  it('answers 503 documents-unavailable with Retry-After within its timeout when hardened, then opens the breaker', async () => {
    const { user, setFaults } = await withUploader({ profile: 'hardened' });
    await setFaults({ latencyMs: DOCUMENT_TIMEOUT_MS * 4 });
    const started = Date.now();
    const hung = await user.put(pdf(1000));
    const ms = Date.now() - started;
    expect(hung.statusCode).toBe(503);
    expect(hung.headers['retry-after']).toBe('3');
    expect(hung.json()).toMatchObject({ type: expect.stringMatching(/\/documents-unavailable$/) });
    expect(hung.json().detail).toContain('bring the originals to the office');
    expect(ms).toBeGreaterThanOrEqual(DOCUMENT_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(DOCUMENT_TIMEOUT_MS * 3);
    await setFaults({ errorRate: 1 });
    for (let i = 0; i < 4; i++) expect((await user.put(pdf(1000))).statusCode).toBe(503);
    // Five failures in a row: the breaker answers at once, without asking the store.
    const open = await user.put(pdf(1000));
    expect(open.statusCode).toBe(503);
    expect(open.json().detail).toContain('is failing');
  });
});
