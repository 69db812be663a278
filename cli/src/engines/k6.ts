// Real k6 on PATH. The scenario runs unchanged: a small entry file re-exports it and adds a
// handleSummary that writes the summary data as JSON, and k6's `--out json` points are folded into the
// same per-second series the embedded runner writes.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { foldK6JsonFile } from '../k6-fold.ts';
import { RUN_FILES } from '../run-folder.ts';
import { EngineError, type EngineRequest, type EngineResult } from './types.ts';

const run = promisify(execFile);

async function k6Version(binary = 'k6'): Promise<string> {
  try {
    const { stdout } = await run(binary, ['version'], { timeout: 10_000 });
    return stdout.trim().split('\n')[0] ?? 'k6';
  } catch {
    throw new EngineError(
      'k6 is not on PATH: install it (https://grafana.com/docs/k6/latest/set-up/install-k6/) or use --engine embedded',
    );
  }
}

/** The entry file k6 runs: the scenario's exports plus a handleSummary writing summary.json. */
function k6Entry(script: string, summaryPath: string): string {
  const source = readFileSync(script, 'utf8');
  const hasDefault = /^export\s+default\b/m.test(source);
  return [
    `export * from ${JSON.stringify(script)};`,
    hasDefault ? `export { default } from ${JSON.stringify(script)};` : '',
    'export function handleSummary(data) {',
    `  return { ${JSON.stringify(summaryPath)}: JSON.stringify(data, null, 2) };`,
    '}',
    '',
  ].join('\n');
}

export async function runK6(request: EngineRequest, binary = 'k6'): Promise<EngineResult> {
  const version = await k6Version(binary);
  const summaryPath = join(request.runDir, RUN_FILES.summary);
  const pointsPath = join(request.runDir, 'k6-points.json');
  const entry = join(request.runDir, 'k6-entry.ts');
  writeFileSync(entry, k6Entry(request.script, summaryPath));
  const args = ['run', '--quiet', '--out', `json=${pointsPath}`, '--tag', `testid=${request.testId}`];
  for (const [key, value] of Object.entries(request.env)) args.push('-e', `${key}=${value}`);
  args.push(entry);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], signal: request.signal });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
  if (existsSync(pointsPath)) {
    const lines = await foldK6JsonFile(pointsPath);
    writeFileSync(
      join(request.runDir, RUN_FILES.timeseries),
      `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`,
    );
    rmSync(pointsPath); // the folded series say the same in a fraction of the space
  }
  rmSync(entry, { force: true });
  const summary = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as unknown) : null;
  if (summary === null && exitCode !== 0 && exitCode !== 99) {
    throw new EngineError(`k6 exited with code ${exitCode}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
  }
  return { exitCode, summary, version };
}
