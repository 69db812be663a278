// paspor-lab report <run-dir | verification-dir> [--baseline <run-dir>]: renders any folder again;
// paspor-lab report --history <runs-dir> [--scenario S]: the trend of every run found there. Every
// input is checked before anything is written: a mistake is one line on stderr and exit 2.
// Exit 0 when the report's verdict is good (pass, fix proven, verified), 99 when not, as `run` does.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  loadHistory,
  ReportOptionsError,
  RunFolderError,
  renderHistory,
  renderReports,
} from '@paspor-lab/reports';
import { VERIFICATION_FILE } from '@paspor-lab/reports/contract';
import { parseRunMeta } from '@paspor-lab/reports/run-folder';
import type { Command } from 'commander';
import { exitSoon } from '../src/exit-soon.ts';
import { withExitCodes } from '../src/help.ts';
import { UsageError } from '../src/run-options.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../src/verdict.ts';
import { type Format, type Lang, parseFormats, parseLang } from '../src/verify-options.ts';

export interface ReportFlags {
  baseline?: string;
  history?: string;
  scenario?: string;
  lang?: string;
  format?: string;
}

export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description('render the report of a run or verification folder again, or the history of a runs folder')
    .argument('[dir]', 'a run folder (runs/<run-id>) or a verification folder')
    .option(
      '--baseline <run-dir>',
      'a run of the same scenario before the fix: the report says whether it is proven',
    )
    .option('--history <runs-dir>', 'the trend of every run found in this folder (history.html, history.md)')
    .option('--scenario <name>', 'with --history: only the runs of this scenario')
    .option('--lang <lang>', 'en | id (default: PASPOR_LANG, else en)')
    .option('--format <list>', 'comma-separated: html,md,json,pdf (default all; the history: html,md)')
    .action(async (dir: string | undefined, flags: ReportFlags) => {
      exitSoon(await reportCommand(dir, flags));
    });
  withExitCodes(command, {
    0: "rendered, and the report's verdict is good (pass, fix proven, verified; a history: rendered)",
    1: 'it could not render (the line says why)',
    2: 'bad usage: a folder that is missing or not a run, an unknown language or format',
    99: "rendered, and the report's verdict is not good (fail, not proven, regressed)",
  });
}

/** A folder that exists and can be read, or a UsageError saying which and how to mend it. */
async function readableDir(path: string, what: string, mend: string): Promise<string> {
  const full = resolve(path);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(full);
  } catch {
    throw new UsageError(`${what} ${path} does not exist: ${mend}`);
  }
  if (!info.isDirectory()) throw new UsageError(`${what} ${path} is a file, not a folder: ${mend}`);
  try {
    await access(full, constants.R_OK | constants.X_OK);
  } catch {
    throw new UsageError(`${what} ${path} cannot be read (permissions): ${mend}`);
  }
  return full;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** The scenario a run folder ran, from run.json (null when the folder has none). */
async function scenarioOf(dir: string): Promise<string | null> {
  const { readFile } = await import('node:fs/promises');
  try {
    return parseRunMeta(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')), dir).scenario;
  } catch {
    return null;
  }
}

const RUN_MEND =
  'pass a run folder (runs/<run-id>, it holds summary.json) or a verification folder (verification.json)';

async function checkRunOrVerification(path: string, what: string): Promise<'run' | 'verification'> {
  const dir = await readableDir(path, what, RUN_MEND);
  if (await exists(join(dir, VERIFICATION_FILE))) return 'verification';
  if (await exists(join(dir, 'summary.json'))) return 'run';
  throw new UsageError(`${what} ${path} holds neither summary.json nor ${VERIFICATION_FILE}: ${RUN_MEND}`);
}

interface Parsed {
  lang: Lang;
  formats: Format[];
}

function parseCommon(flags: ReportFlags): Parsed {
  return { lang: parseLang(flags.lang, process.env), formats: parseFormats(flags.format) };
}

async function history(flags: ReportFlags, parsed: Parsed): Promise<number> {
  const runsDir = await readableDir(
    flags.history ?? '',
    'the runs folder',
    'point --history at the folder `paspor-lab run` writes to (./runs)',
  );
  const formats = flags.format === undefined ? (['html', 'md'] as Format[]) : parsed.formats;
  const other = formats.filter((f) => f !== 'html' && f !== 'md');
  if (other.length > 0) {
    throw new UsageError(
      `the history is one HTML page and Markdown: use --format html,md (not ${other.join(',')})`,
    );
  }
  const found = await loadHistory(runsDir, null);
  if (found.entries.length === 0) {
    throw new UsageError(
      `no run folder found in ${flags.history}: point --history at the folder \`paspor-lab run\` writes to (./runs)`,
    );
  }
  if (flags.scenario !== undefined && !found.scenarios.includes(flags.scenario)) {
    throw new UsageError(
      `no run of scenario "${flags.scenario}" in ${flags.history}: it holds ${found.scenarios.join(', ')}; pick one of those with --scenario`,
    );
  }
  const { files, history: h } = await renderHistory(runsDir, {
    scenario: flags.scenario ?? null,
    lang: parsed.lang,
    formats,
  });
  process.stdout.write(`${h.entries.length} runs\n${files.map((f) => `written: ${f}`).join('\n')}\n`);
  return EXIT_OK;
}

export async function reportCommand(dir: string | undefined, flags: ReportFlags): Promise<number> {
  try {
    const parsed = parseCommon(flags);
    if (flags.history !== undefined) {
      if (dir !== undefined) {
        throw new UsageError(`give either a folder (${dir}) or --history <runs-dir>, not both`);
      }
      if (flags.baseline !== undefined)
        throw new UsageError('--baseline does not go with --history: drop one');
      return await history(flags, parsed);
    }
    if (flags.scenario !== undefined)
      throw new UsageError('--scenario goes with --history <runs-dir>: add it, or drop --scenario');
    if (dir === undefined) {
      throw new UsageError('which folder? paspor-lab report runs/<run-id> (or --history runs) ');
    }
    const kind = await checkRunOrVerification(dir, 'the folder');
    if (flags.baseline !== undefined) {
      if (kind === 'verification') {
        throw new UsageError(
          `${dir} is a verification folder: it holds its own baseline runs, so drop --baseline`,
        );
      }
      const baselineKind = await checkRunOrVerification(flags.baseline, 'the baseline');
      if (baselineKind === 'verification') {
        throw new UsageError(
          `the baseline ${flags.baseline} is a verification folder: pass one run folder of it (runs/<run-id>)`,
        );
      }
      const [a, b] = await Promise.all([scenarioOf(resolve(dir)), scenarioOf(resolve(flags.baseline))]);
      if (a !== null && b !== null && a !== b) {
        throw new UsageError(
          `${dir} ran scenario ${a} but the baseline ${flags.baseline} ran ${b}: pass a baseline run of ${a}`,
        );
      }
    }
    const rendered = await renderReports(resolve(dir), {
      ...(flags.baseline !== undefined ? { baselineDir: resolve(flags.baseline) } : {}),
      lang: parsed.lang,
      formats: parsed.formats,
    });
    process.stdout.write(
      `${rendered.badge}: ${rendered.sentence}\n${rendered.files.map((f) => `written: ${f}`).join('\n')}\n`,
    );
    return rendered.ok ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ReportOptionsError ||
      error instanceof RunFolderError
    ) {
      // One line: what is wrong and how to mend it. A broken JSON file is named with its path.
      const mend = error instanceof RunFolderError ? ' (re-run the scenario, or fix the file)' : '';
      process.stderr.write(`paspor-lab report: ${error.message.split('\n')[0]}${mend}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
