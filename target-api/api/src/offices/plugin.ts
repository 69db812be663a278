// Offices (nearest first) and their availability calendar. overload-collapse's availability half
// (defects/overload-collapse.ts): legacy queries every look, the fix serves a short-lived cache.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { addDays } from '../calendar/dates.ts';
import type { AppContext, PluginOptions } from '../context.ts';
import { problems } from '../problem.ts';
import { OfficeId, Query } from '../schemas.ts';
import { findOffice, OFFICES } from './domain/catalogue.ts';
import { distanceKm } from './domain/quota.ts';
import { localDate } from './domain/time-zones.ts';

interface AvailabilityRow {
  date: string;
  session: string;
  category: string;
  capacity: number;
  taken: number;
  free: number;
  status: 'green' | 'red';
}

async function readAvailability(
  ctx: AppContext,
  officeId: string,
  from: string,
  days: number,
): Promise<AvailabilityRow[]> {
  const rows = await ctx.db.query<{
    date: string;
    session: string;
    category: string;
    capacity: number;
    taken: number;
  }>(
    `SELECT date, session, category, capacity, taken FROM slots
     WHERE office_id = $1 AND date >= $2 AND date < $3 ORDER BY date, session, category`,
    [officeId, from, addDays(from, days)],
  );
  return rows.rows.map((row) => {
    const free = Math.max(0, row.capacity - row.taken);
    return { ...row, free, status: free > 0 ? 'green' : 'red' };
  });
}

export const officesPlugin: FastifyPluginAsyncTypebox<PluginOptions> = async (app, { ctx }) => {
  app.get(
    '/v1/offices',
    {
      schema: {
        tags: ['offices'],
        summary: 'Offices, nearest first when lat/lon are given',
        querystring: Type.Object({
          lat: Type.Optional(Query.number({ minimum: -90, maximum: 90 })),
          lon: Type.Optional(Query.number({ minimum: -180, maximum: 180 })),
        }),
      },
    },
    async (request) => {
      const { lat, lon } = request.query;
      const list = OFFICES.map((office) => ({
        id: office.id,
        name: office.name,
        kind: office.kind,
        city: office.city,
        timeZone: office.timeZone,
        dailyQuota: office.dailyQuota,
        sessions: office.sessions.map((session) => session.name),
        distanceKm:
          lat !== undefined && lon !== undefined
            ? Math.round(distanceKm(lat, lon, office.lat, office.lon))
            : null,
      }));
      if (lat !== undefined && lon !== undefined)
        list.sort((a, b) => (a.distanceKm ?? 0) - (b.distanceKm ?? 0));
      return list;
    },
  );

  app.get(
    '/v1/offices/:officeId/availability',
    {
      schema: {
        tags: ['offices'],
        summary: 'Released slots by date, session and category: green (free) or red (full)',
        params: Type.Object({ officeId: OfficeId }),
        querystring: Type.Object({
          from: Type.Optional(Query.date()),
          days: Type.Optional(Query.integer({ minimum: 1, maximum: 62, default: 14 })),
        }),
      },
    },
    async (request) => {
      const office = findOffice(request.params.officeId);
      if (!office) throw problems.notFound(`office ${request.params.officeId}`);
      const from = request.query.from ?? localDate(ctx.clock.now(), office.timeZone);
      const days = request.query.days ?? 14;
      return ctx.variants.overloadCollapse.readCalendar(ctx, `${office.id}|${from}|${days}`, () =>
        readAvailability(ctx, office.id, from, days),
      );
    },
  );
};
