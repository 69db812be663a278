// Liveness (the process answers) and readiness (database reachable, migrations applied).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PluginOptions } from './context.ts';
import { problems } from './problem.ts';
import { migrationsApplied } from './storage/index.ts';

export const healthPlugin: FastifyPluginAsyncTypebox<PluginOptions> = async (app, { ctx }) => {
  app.get('/health/live', { schema: { tags: ['health'], summary: 'The process is up' } }, () => ({
    status: 'ok',
  }));
  app.get(
    '/health/ready',
    { schema: { tags: ['health'], summary: 'Database reachable and migrations applied' } },
    async () => {
      let ready = false;
      try {
        ready = await migrationsApplied(ctx.db);
      } catch {
        ready = false;
      }
      if (!ready) throw problems.unavailable('not-ready', 'the database is unreachable or not migrated', 1);
      return { status: 'ready', engine: ctx.db.engine };
    },
  );
};
