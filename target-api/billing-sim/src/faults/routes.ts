// Admin routes behind the bearer admin token: the fault schedule (GET/PUT/DELETE /admin/faults) and the
// history of what the schedule put in force (GET /admin/faults/history), and the
// notice delivery log (GET /admin/notices), which a scenario reads to tell a dropped notice from a lost one.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { tokenMatches } from '../auth.ts';
import { ProblemError } from '../problem.ts';
import type { SimState } from '../state.ts';
import {
  applyFaultsUpdate,
  describeFaults,
  type FaultsUpdate,
  FaultWindowError,
  NO_FAULTS,
  scheduledGroups,
} from './schedule.ts';

const Rate = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const Ms = (description: string) => Type.Integer({ minimum: 0, maximum: 600_000, description });
const Instant = Type.String({ format: 'date-time', maxLength: 40 });

/** The body of PUT /admin/faults; each field's description is its line in `paspor-lab list faults`. */
export const FaultsBody = Type.Object(
  {
    billing: Type.Optional(
      Type.Object(
        {
          latencyMs: Type.Optional(Ms('added to every bill call before it is answered (ms)')),
          errorRate: Type.Optional(Rate('share of bill calls answered with a 5xx (0..1)')),
          timeoutRate: Type.Optional(Rate('share of bill calls that hang until the client gives up (0..1)')),
          outage: Type.Optional(Type.Boolean({ description: 'every bill call fails fast with 503' })),
          startAt: Type.Optional(Instant),
          endAt: Type.Optional(Instant),
        },
        { additionalProperties: false },
      ),
    ),
    notices: Type.Optional(
      Type.Object(
        {
          delayMs: Type.Optional(Ms('held before the first delivery attempt of every notice (ms)')),
          dropRate: Type.Optional(
            Rate('share of notices never sent: the bill is PAID, the API never hears (0..1)'),
          ),
          duplicateRate: Type.Optional(Rate('share of notices sent twice, same id and body (0..1)')),
          reorder: Type.Optional(
            Type.Boolean({ description: 'notices held and sent in batches in a shuffled order' }),
          ),
          startAt: Type.Optional(Instant),
          endAt: Type.Optional(Instant),
        },
        { additionalProperties: false },
      ),
    ),
    startAt: Type.Optional(Instant),
    endAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export interface AdminRoutesOptions {
  state: SimState;
}

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (fastify, { state }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request) => {
    if (!tokenMatches(request.headers.authorization, state.config.adminToken)) {
      throw new ProblemError(401, 'unauthorized', 'Not authenticated', 'the admin bearer token is required', {
        'www-authenticate': 'Bearer',
      });
    }
  });

  app.get('/admin/faults', async () => describeFaults(state.faults, state.config.now()));

  app.put('/admin/faults', { schema: { body: FaultsBody } }, async (request) => {
    try {
      const update = request.body as FaultsUpdate;
      state.faults = applyFaultsUpdate(state.faults, update);
      for (const { group, fault } of scheduledGroups(state.faults, update))
        state.faultHistory.change(group, fault);
    } catch (error) {
      if (error instanceof FaultWindowError) {
        throw new ProblemError(400, 'invalid-fault-window', 'Invalid fault window', error.message);
      }
      throw error;
    }
    request.log.info({ faults: state.faults }, 'faults updated');
    return describeFaults(state.faults, state.config.now());
  });

  app.delete('/admin/faults', async (request) => {
    state.faults = NO_FAULTS;
    state.faultHistory.clear();
    request.log.info('faults cleared');
    return describeFaults(state.faults, state.config.now());
  });

  app.get('/admin/faults/history', async () => ({ periods: state.faultHistory.periods() }));

  app.get('/admin/notices', async () => {
    const records = state.sender.records();
    const counts: Record<string, number> = {};
    for (const record of records) counts[record.status] = (counts[record.status] ?? 0) + 1;
    // The last 1000 keep the answer small on a long run; the counts cover all of them.
    return { counts, notices: records.slice(-1000) };
  });
};
