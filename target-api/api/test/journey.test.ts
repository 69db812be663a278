// The whole journey through the API with the real billing simulator on loopback: register, activate,
// log in, add an applicant, book, pay at the "bank", the signed notice arrives, PAID, proof, reschedule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNik } from '../src/applicants/domain/nik.ts';
import { DEFECT_IDS } from '../src/defects/ids.ts';
import { releaseScheduler } from '../src/offices/releases.ts';
import {
  admin,
  bearer,
  book,
  bookingBody,
  createHarness,
  type Harness,
  invariants,
  manualClock,
  openSlot,
  pair,
  payBill,
  seed,
  waitFor,
} from './helper.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe('the M-Paspor journey (hardened)', () => {
  it('goes from registration to a PAID booking with a signed proof, then reschedules once', async () => {
    const { app } = await harness.app();
    const before = await app.inject({
      method: 'GET',
      url: '/v1/offices/kanim-tanjung-uban/availability?from=2026-03-10&days=2',
    });
    expect(before.json()).toEqual([]);
    await openSlot(app, '2026-03-10', 5);
    await openSlot(app, '2026-03-11', 5);

    const email = 'siti@example.id';
    const register = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: {
        name: 'Siti Aminah',
        dateOfBirth: '1992-05-14',
        gender: 'F',
        email,
        phone: '081234567890',
        password: 'rahasia-123',
      },
    });
    expect(register.statusCode).toBe(201);

    const early = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password: 'rahasia-123' },
    });
    expect(early.statusCode).toBe(403);

    const mailbox = (
      await app.inject({ method: 'GET', url: `/admin/mailbox?email=${email}`, headers: admin })
    ).json();
    const code = mailbox.messages[0].code;
    expect(code).toMatch(/^\d{6}$/);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/accounts/activate', payload: { email, code } }))
        .statusCode,
    ).toBe(200);

    const login = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password: 'rahasia-123' },
    });
    expect(login.statusCode).toBe(200);
    const token = login.json().token as string;

    const nik = makeNik('217101', '1992-05-14', 'F', 77);
    const added = await app.inject({
      method: 'POST',
      url: '/v1/applicants',
      headers: bearer(token),
      payload: { nik, name: 'Siti Aminah', dateOfBirth: '1992-05-14', gender: 'F' },
    });
    expect(added.statusCode).toBe(201);
    const applicantId = added.json().applicantId as string;

    const offices = (await app.inject({ method: 'GET', url: '/v1/offices?lat=1.07&lon=104.22' })).json();
    expect(offices[0].id).toBe('kanim-tanjung-uban');
    const calendar = (
      await app.inject({
        method: 'GET',
        url: '/v1/offices/kanim-tanjung-uban/availability?from=2026-03-10&days=2',
      })
    ).json();
    expect(
      calendar.find(
        (s: { session: string; category: string }) => s.session === 'PAGI' && s.category === 'REGULER',
      ),
    ).toMatchObject({
      date: '2026-03-10',
      capacity: 5,
      free: 5,
      status: 'green',
    });

    const booked = await book(
      app,
      { accountId: '', email, token, applicants: [{ applicantId, nik }] },
      '2026-03-10',
    );
    expect(booked.statusCode).toBe(201);
    const booking = booked.json();
    expect(booking.status).toBe('WAITING_PAYMENT');
    expect(booking.billingCode).toMatch(/^[789]\d{14}$/);
    expect(booking.fee).toBe(950_000);
    expect(Date.parse(booking.payBy) - Date.parse(booking.codeIssuedAt)).toBe(2 * 3600_000);

    const noProof = await app.inject({
      method: 'GET',
      url: `/v1/bookings/${booking.id}/proof`,
      headers: bearer(token),
    });
    expect(noProof.statusCode).toBe(409);

    expect((await payBill(harness, booking.billingCode)).statusCode).toBe(200);
    const paid = await waitFor(async () => {
      const view = (
        await app.inject({ method: 'GET', url: `/v1/bookings/${booking.id}`, headers: bearer(token) })
      ).json();
      return view.status === 'PAID' ? view : undefined;
    });
    expect(paid.paidAt).not.toBeNull();

    const proof = await app.inject({
      method: 'GET',
      url: `/v1/bookings/${booking.id}/proof`,
      headers: bearer(token),
    });
    expect(proof.statusCode).toBe(200);
    expect(JSON.parse(Buffer.from(proof.json().payload, 'base64url').toString())).toMatchObject({
      bookingId: booking.id,
      billingCode: booking.billingCode,
    });

    const moved = await app.inject({
      method: 'POST',
      url: `/v1/bookings/${booking.id}/reschedule`,
      headers: bearer(token),
      payload: { date: '2026-03-11', session: 'PAGI' },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ status: 'PAID', rescheduled: true, slot: { date: '2026-03-11' } });
    const again = await app.inject({
      method: 'POST',
      url: `/v1/bookings/${booking.id}/reschedule`,
      headers: bearer(token),
      payload: { date: '2026-03-10', session: 'PAGI' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().type).toBe('https://paspor-lab.dev/problems/reschedule-already-rescheduled');

    const check = await invariants(app);
    expect(Object.entries(check).filter(([name, v]) => name !== '_holds' && v !== 0)).toEqual([]);
  });

  it("records the counter's check-in: ATTENDED on the day, NO_SHOW only after it, nothing for others", async () => {
    const clock = manualClock(); // 2026-03-02 08:00 in Tanjung Uban (UTC+7)
    const { app } = await harness.app({ clock });
    await openSlot(app, '2026-03-12', 5);
    const [shows, skips] = await seed(app, 2);
    if (!shows || !skips) throw new Error('seeding gave fewer than two accounts');
    const paidBooking = async (who: typeof shows) => {
      const booked = await book(app, who, '2026-03-12');
      expect(booked.statusCode).toBe(201);
      expect((await payBill(harness, booked.json().billingCode)).statusCode).toBe(200);
      return waitFor(async () => {
        const view = (
          await app.inject({
            method: 'GET',
            url: `/v1/bookings/${booked.json().id}`,
            headers: bearer(who.token),
          })
        ).json();
        return view.status === 'PAID' ? (view as { id: string }) : undefined;
      });
    };
    const attended = await paidBooking(shows);
    const missed = await paidBooking(skips);
    const record = (id: string, outcome: string, headers: Record<string, string> = admin) =>
      app.inject({ method: 'POST', url: `/admin/bookings/${id}/attendance`, headers, payload: { outcome } });

    const early = await record(attended.id, 'ATTENDED');
    expect(early.statusCode).toBe(409);
    expect(early.json().type).toBe('https://paspor-lab.dev/problems/attendance-not-today');
    expect((await record(missed.id, 'NO_SHOW')).json().type).toBe(
      'https://paspor-lab.dev/problems/attendance-day-not-over',
    );
    // The applicant's own token is not the counter's.
    expect((await record(attended.id, 'ATTENDED', bearer(shows.token))).statusCode).toBe(401);

    clock.advance(10 * 86_400_000); // 2026-03-12 08:00 local: the appointment day
    const checkedIn = await record(attended.id, 'ATTENDED');
    expect(checkedIn.statusCode).toBe(200);
    expect(checkedIn.json()).toMatchObject({ id: attended.id, status: 'ATTENDED' });
    expect((await record(missed.id, 'NO_SHOW')).statusCode).toBe(409);

    clock.advance(86_400_000); // the day after
    const noShow = await record(missed.id, 'NO_SHOW');
    expect(noShow.statusCode).toBe(200);
    expect(noShow.json().status).toBe('NO_SHOW');
    // Once recorded, it is final: no second outcome for either booking.
    const twice = await record(attended.id, 'NO_SHOW');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().type).toBe('https://paspor-lab.dev/problems/not-attendable');
    expect((await record('00000000-0000-4000-8000-000000000000', 'ATTENDED')).statusCode).toBe(404);
    expect((await record(attended.id, 'LATE')).statusCode).toBe(400);

    // Both seats stay used: quota conservation counts ATTENDED and NO_SHOW.
    const check = await invariants(app);
    expect(Object.entries(check).filter(([name, v]) => name !== '_holds' && v !== 0)).toEqual([]);
  });

  it('expires an unpaid booking after two hours and gives the seat back; cancel frees a seat too', async () => {
    const clock = manualClock();
    const { app, ctx } = await harness.app({ clock });
    await openSlot(app, '2026-03-10', 2);
    const [a, b] = pair(await seed(app, 2));
    const first = (await book(app, a, '2026-03-10')).json();
    const second = (await book(app, b, '2026-03-10')).json();
    expect(first.status).toBe('WAITING_PAYMENT');

    clock.advance(2 * 3600_000 - 1000);
    await app.inject({ method: 'POST', url: '/admin/sweep', headers: admin });
    expect(
      (await app.inject({ method: 'GET', url: `/v1/bookings/${first.id}`, headers: bearer(a.token) })).json()
        .status,
    ).toBe('WAITING_PAYMENT');
    clock.advance(2000);
    const sweep = (await app.inject({ method: 'POST', url: '/admin/sweep', headers: admin })).json();
    expect(sweep.sweep.expired).toBe(2);
    expect(
      (await app.inject({ method: 'GET', url: `/v1/bookings/${first.id}`, headers: bearer(a.token) })).json()
        .status,
    ).toBe('EXPIRED');

    const rebooked = await book(app, a, '2026-03-10');
    expect(rebooked.statusCode).toBe(201);
    const cancelled = await app.inject({
      method: 'POST',
      url: `/v1/bookings/${rebooked.json().id}/cancel`,
      headers: bearer(a.token),
    });
    expect(cancelled.json().status).toBe('CANCELLED');
    const taken = await ctx.db.query<{ taken: number }>(
      "SELECT taken FROM slots WHERE date = '2026-03-10' AND session = 'PAGI' AND category = 'REGULER'",
    );
    expect(taken.rows[0]?.taken).toBe(0);
    expect(second.id).not.toBe(first.id);
  });

  it('shows a slot red as soon as its last seat is taken, cached calendar or not, and refuses the next booking', async () => {
    const { app, ctx } = await harness.app({ env: { AVAILABILITY_CACHE_MS: '60000' } });
    await openSlot(app, '2026-03-10', 1);
    const [a, b] = pair(await seed(app, 2));
    const calendar = async () =>
      (
        await app.inject({
          method: 'GET',
          url: '/v1/offices/kanim-tanjung-uban/availability?from=2026-03-10&days=1',
        })
      )
        .json()
        .find((e: { session: string; category: string }) => e.session === 'PAGI' && e.category === 'REGULER');
    // Read once, so the calendar is cached (for a minute here) while it still shows the seat.
    expect((await calendar()).status).toBe('green');

    expect([201, 202]).toContain((await book(app, a, '2026-03-10')).statusCode);
    // The booking that took the last seat forgot the cached calendar: no user is sent at a full slot.
    expect(await calendar()).toMatchObject({ status: 'red', free: 0, taken: 1 });

    const refused = await book(app, b, '2026-03-10');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().type).toMatch(/quota-exhausted$/);
    const taken = await ctx.db.query<{ taken: number }>(
      "SELECT taken FROM slots WHERE date = '2026-03-10' AND session = 'PAGI' AND category = 'REGULER'",
    );
    expect(taken.rows[0]?.taken).toBe(1);
  });

  it("never shows or changes another account's booking, and refuses missing or wrong tokens", async () => {
    const { app, ctx } = await harness.app();
    await openSlot(app, '2026-03-10', 3);
    const [owner, stranger] = pair(await seed(app, 2));
    const booking = (await book(app, owner, '2026-03-10')).json();
    for (const [method, url] of [
      ['GET', `/v1/bookings/${booking.id}`],
      ['POST', `/v1/bookings/${booking.id}/cancel`],
      ['GET', `/v1/bookings/${booking.id}/proof`],
    ] as const) {
      const response = await app.inject({ method, url, headers: bearer(stranger.token) });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const foreignApplicant = await app.inject({
      method: 'POST',
      url: '/v1/bookings',
      headers: bearer(stranger.token),
      payload: bookingBody(owner.applicants[0]?.applicantId ?? '', '2026-03-10'),
    });
    expect(foreignApplicant.statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/bookings' })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/admin/invariants', headers: bearer(owner.token) }))
        .statusCode,
    ).toBe(401);
    const status = await ctx.db.query<{ status: string }>('SELECT status FROM bookings WHERE id = $1', [
      booking.id,
    ]);
    expect(status.rows[0]?.status).toBe('WAITING_PAYMENT');
  });

  it('rate-limits login attempts per e-mail in hardened', async () => {
    const { app } = await harness.app({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
    const attempts = [];
    for (let i = 0; i < 5; i++) {
      attempts.push(
        await app.inject({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { email: 'x@example.id', password: 'wrong' },
        }),
      );
    }
    expect(attempts.map((r) => r.statusCode)).toEqual([401, 401, 401, 429, 429]);
    expect(attempts[3]?.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
  });

  it('opens quota at the scheduled release moment in the office time zone', async () => {
    // Friday 6 March 2026, 13:59 WIB: Tanjung Uban releases next week at 14:00 WIB.
    const clock = manualClock(Date.parse('2026-03-06T06:59:00Z'));
    const { app, ctx } = await harness.app({ clock });
    const tick = releaseScheduler(ctx);
    expect(await tick()).toBe(0);
    clock.advance(60_000);
    expect(await tick()).toBeGreaterThan(0);
    const calendar = (
      await app.inject({
        method: 'GET',
        url: '/v1/offices/kanim-tanjung-uban/availability?from=2026-03-09&days=7',
      })
    ).json();
    expect(new Set(calendar.map((slot: { date: string }) => slot.date))).toEqual(
      new Set(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13']),
    );
  });

  it('publishes the OpenAPI document, Swagger UI and health checks', async () => {
    const { app } = await harness.app();
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/bookings', '/v1/payment-notices', '/admin/invariants']),
    );
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
    expect((await app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).json()).toMatchObject({
      status: 'ready',
    });
  });

  it('serves the happy path under the legacy profile too: booked, paid through the simulator, PAID', async () => {
    const { app } = await harness.app({ profile: 'legacy' });
    await openSlot(app, '2026-03-10', 5);
    const [who] = await seed(app, 1);
    if (!who) throw new Error('seed failed');
    const booked = await book(app, who, '2026-03-10');
    expect(booked.statusCode).toBe(201);
    expect((await payBill(harness, booked.json().billingCode)).statusCode).toBe(200);
    const paid = await waitFor(async () => {
      const view = (
        await app.inject({
          method: 'GET',
          url: `/v1/bookings/${booked.json().id}`,
          headers: bearer(who.token),
        })
      ).json();
      return view.status === 'PAID' ? view : undefined;
    });
    expect(paid.paidAt).not.toBeNull();
    const config = (await app.inject({ method: 'GET', url: '/admin/config', headers: admin })).json();
    expect([...config.defects].sort()).toEqual([...DEFECT_IDS].sort());
  });
});
