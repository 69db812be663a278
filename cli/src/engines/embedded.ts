// The embedded k6-compatible runner (load-runner/), in this process.
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { RUN_FILES, writeJson } from '../run-folder.ts';
import type { EngineRequest, EngineResult } from './types.ts';

export async function runEmbedded(request: EngineRequest): Promise<EngineResult> {
  // Loaded lazily: the CLI's other commands do not need the runner.
  const runner = await import('@paspor-lab/load-runner');
  // The runner's own lines ("some thresholds have failed") repeat what the verdict line says; they are
  // kept and shown only when the run went wrong (a script error, a bad threshold).
  const said: string[] = [];
  const quietStderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      said.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (said.length > 20) said.splice(0, said.length - 20);
      done();
    },
  });
  const result = await runner.run({
    script: pathToFileURL(request.script).pathname,
    env: request.env,
    timeseriesOut: join(request.runDir, RUN_FILES.timeseries),
    quiet: true,
    testId: request.testId,
    allowRemoteTarget: request.allowRemoteTarget === true,
    ...(request.metricsPort !== undefined ? { metricsPort: request.metricsPort } : {}),
    onProgress: request.onProgress,
    ...(request.onSample ? { onSample: request.onSample } : {}),
    signal: request.signal,
    // A plain Writable is not a TTY, which is what the runner checks; the cast only satisfies the type.
    stderr: quietStderr as unknown as NodeJS.WriteStream,
  });
  if (result.exitCode !== 0 && result.exitCode !== 99 && said.length > 0) {
    process.stderr.write(`${said.join('\n')}\n`);
  }
  if (result.summary) writeJson(request.runDir, RUN_FILES.summary, result.summary);
  const out: EngineResult = {
    exitCode: result.exitCode,
    summary: result.summary ?? null,
    version: 'embedded',
  };
  if (result.metricsUrl) out.metricsUrl = result.metricsUrl;
  if (result.error) out.error = result.error;
  return out;
}
