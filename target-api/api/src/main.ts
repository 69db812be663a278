// Entry point: node target-api/api/src/main.ts [--profile legacy|hardened] [--defects a,b] [--port N]
// Reads the configuration, listens, and on SIGTERM/SIGINT drains (drain.ts: idle keep-alive connections
// closed first, in-flight requests answered, late ones refused 503 problem+json), stops listening, exits.
import { parseArgs } from 'node:util';
import { startTracing, tracingConfigFromEnv } from '../../telemetry/index.ts';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { InvalidDefectError } from './defects.ts';

function readFlags() {
  const { values } = parseArgs({
    options: { profile: { type: 'string' }, defects: { type: 'string' }, port: { type: 'string' } },
    allowPositionals: false,
  });
  if (values.port !== undefined && !/^\d+$/.test(values.port)) {
    throw new ConfigError(`--port "${values.port}" is not a port number; use e.g. --port 8080`);
  }
  return {
    profile: values.profile,
    defects: values.defects,
    port: values.port === undefined ? undefined : Number(values.port),
  };
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, readFlags());
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof InvalidDefectError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`paspor-api: ${(error as Error).message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Before buildApp: the app registers its request spans only when tracing is running.
  const tracing = startTracing(tracingConfigFromEnv('mpaspor-api'));
  const app = await buildApp(config);
  const address = await app.listen({ host: config.host, port: config.port });
  const defects = [...config.defects].join(',') || 'none';
  process.stdout.write(
    `paspor-api listening on ${address} (profile ${config.profile}, defects ${defects}, ${app.pasporCtx.db.engine})\n`,
  );
  if (config.adminTokenGenerated) process.stdout.write(`paspor-api admin token: ${config.adminToken}\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'draining in-flight requests');
    // close() drains, then stops listening and closes the database; a hard deadline guards a stuck request.
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    app.close().then(
      () => tracing.shutdown().finally(() => process.exit(0)),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

await main();
