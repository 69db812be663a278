// Entry of the billing simulator process: `node target-api/billing-sim/src/main.ts [--port 8081]`.
// Configuration from the environment (see config.ts); SIGTERM and SIGINT close it gracefully.
import { parseArgs } from 'node:util';
import { startTracing, tracingConfigFromEnv } from '../../telemetry/index.ts';
import { buildBillingSim } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

function fail(message: string): never {
  process.stderr.write(`billing-sim: ${message}\n`);
  process.exit(2);
}

let port: number | undefined;
try {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true });
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port))
      fail(`--port "${values.port}" is not a port number; use e.g. --port 8081`);
    port = Number(values.port);
  }
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}; the only flag is --port <number>`);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env, port === undefined ? {} : { port });
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

// Before buildBillingSim: the app registers its request spans only when tracing is running.
const tracing = startTracing(tracingConfigFromEnv('billing-sim'));
const app = buildBillingSim(config);
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'stopping');
  await app.close();
  await tracing.shutdown();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

try {
  const address = await app.listen({ host: config.host, port: config.port });
  if (config.adminTokenGenerated) app.log.info(`admin token (generated): ${config.adminToken}`);
  app.log.info(`billing simulator on ${address}, notices to ${config.apiUrl}`);
} catch (error) {
  fail(
    `cannot listen on ${config.host}:${config.port}: ${error instanceof Error ? error.message : String(error)}`,
  );
}
