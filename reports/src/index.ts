// The report generator's public entry: read a run folder (and optionally a baseline run folder), decide
// the verdict, and write report.html, report.md, report.json and, where Chromium is installed, report.pdf
// into the run folder.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type History, loadHistory } from './history.ts';
import type { Lang } from './i18n/index.ts';
import { translator } from './i18n/index.ts';
import { loadReportModel, type RenderInternals } from './load.ts';
import { renderHistoryHtml, renderHistoryMarkdown } from './render/history.ts';
import { renderHtml } from './render/html.ts';
import { type PdfOutcome, renderJson, renderVerificationJson } from './render/json.ts';
import { renderMarkdown } from './render/markdown.ts';
import { CHROMIUM_PATH, chromiumAvailable, htmlToPdf, PdfRenderError } from './render/pdf.ts';
import { outcomeSentence, renderVerificationHtml, verificationOk } from './render/verification-html.ts';
import { renderVerificationMarkdown } from './render/verification-md.ts';
import { loadVerificationView, type VerificationView } from './verification.ts';

export type ReportFormat = 'html' | 'md' | 'json' | 'pdf';

export interface RenderOptions {
  /** A run of the same scenario before the fix: the report then says whether the fix is proven. */
  baselineDir?: string;
  lang?: 'en' | 'id';
  /** Defaults to every format; 'pdf' is skipped (with a note in report.json) when Chromium is missing or fails. */
  formats?: Array<ReportFormat>;
}

export class ReportOptionsError extends Error {
  readonly code = 'REPORT_BAD_OPTIONS';
  constructor(message: string) {
    super(message);
    this.name = 'ReportOptionsError';
  }
}

const ALL_FORMATS: ReportFormat[] = ['html', 'md', 'json', 'pdf'];

/**
 * A missing or broken Chromium costs the PDF only: the note lands in every other format, and the HTML,
 * Markdown and JSON are still written.
 */
async function writePdf(
  html: string,
  chromiumPath: string,
  write: (name: string, data: Buffer) => Promise<void>,
): Promise<PdfOutcome> {
  if (!(await chromiumAvailable(chromiumPath))) {
    const problem = `Chromium is not installed at ${chromiumPath} (apt-get install -y chromium)`;
    return { written: false, problem, note: `no PDF: ${problem}` };
  }
  try {
    await write('report.pdf', await htmlToPdf(html, chromiumPath));
    return { written: true };
  } catch (error) {
    if (!(error instanceof PdfRenderError)) throw error;
    return { written: false, problem: error.message, note: `no PDF: ${error.message}` };
  }
}

interface Renderers {
  html: (pdfProblem: string | null) => string;
  md: (pdfProblem: string | null) => string;
  json: (pdf: PdfOutcome | null) => string;
}

function checkFormats(formats: ReportFormat[]): void {
  const unknown = formats.filter((f) => !ALL_FORMATS.includes(f));
  if (unknown.length > 0) {
    throw new ReportOptionsError(
      `unknown report format "${unknown.join(', ')}": use ${ALL_FORMATS.join(', ')}`,
    );
  }
}

/** Writes the chosen formats of one report into `dir`; the PDF first, so a skipped PDF is noted in every other. */
async function writeReports(
  dir: string,
  formats: ReportFormat[],
  chromiumPath: string,
  render: Renderers,
): Promise<{ files: string[] }> {
  const files: string[] = [];
  const write = async (name: string, data: string | Buffer) => {
    const path = join(dir, name);
    await writeFile(path, data);
    files.push(path);
  };
  const pdf = formats.includes('pdf') ? await writePdf(render.html(null), chromiumPath, write) : null;
  const pdfProblem = pdf?.problem ?? null;
  if (formats.includes('html')) await write('report.html', render.html(pdfProblem));
  if (formats.includes('md')) await write('report.md', render.md(pdfProblem));
  if (formats.includes('json')) await write('report.json', render.json(pdf));
  return { files };
}

/** What was written, and the verdict in one line (for a command line: ok means exit 0). */
export interface Rendered {
  files: string[];
  ok: boolean;
  badge: string;
  sentence: string;
}

async function renderRunReports(
  runDir: string,
  options: RenderOptions & RenderInternals = {},
): Promise<Rendered> {
  const lang = options.lang ?? 'en';
  const formats = options.formats ?? ALL_FORMATS;
  checkFormats(formats);
  const tr = translator(lang);
  const model = await loadReportModel(runDir, { ...options, lang });
  const { files } = await writeReports(runDir, formats, options.chromiumPath ?? CHROMIUM_PATH, {
    html: (problem) => renderHtml(tr, model, problem),
    md: (problem) => renderMarkdown(tr, model, problem),
    json: (pdf) => renderJson(tr, model, pdf),
  });
  const ok = model.status === 'pass' || model.status === 'proven';
  return { files, ok, badge: tr.t(`status.${model.status}`), sentence: model.sentence };
}

/** The comparison report of a verification folder (verification.json and its runs/), written into it. */
export async function renderVerificationReports(
  view: VerificationView,
  options: Omit<RenderOptions, 'baselineDir'> & RenderInternals = {},
): Promise<Rendered> {
  const formats = options.formats ?? ALL_FORMATS;
  checkFormats(formats);
  const tr = translator(options.lang ?? 'en');
  const { files } = await writeReports(view.dir, formats, options.chromiumPath ?? CHROMIUM_PATH, {
    html: (problem) => renderVerificationHtml(tr, view, problem),
    md: (problem) => renderVerificationMarkdown(tr, view, problem),
    json: (pdf) => renderVerificationJson(tr, view, pdf),
  });
  const ok = verificationOk(view);
  return {
    files,
    ok,
    badge: tr.t(ok ? 'vstatus.verified' : 'vstatus.not-verified'),
    sentence: outcomeSentence(tr, view),
  };
}

/**
 * Renders any folder again: a verification folder (it has verification.json) gets the comparison
 * report, a run folder the run report (against `baselineDir` when given).
 */
export async function renderReports(
  dir: string,
  options: RenderOptions & RenderInternals = {},
): Promise<{ kind: 'run' | 'verification' } & Rendered> {
  checkFormats(options.formats ?? ALL_FORMATS);
  translator(options.lang ?? 'en'); // an unknown language is refused before anything is read
  const view = await loadVerificationView(dir, options);
  if (view) {
    if (options.baselineDir) {
      throw new ReportOptionsError(
        `${dir} is a verification folder: it holds its own baseline runs, so drop --baseline`,
      );
    }
    return { kind: 'verification', ...(await renderVerificationReports(view, options)) };
  }
  return { kind: 'run', ...(await renderRunReports(dir, options)) };
}

export { type CompareResult, compareRunFolders } from './compare.ts';
export { loadReportModel, type RenderInternals } from './load.ts';
/** The report's chart drawing, for other pages that draw the same series (the CLI's live page). */
export { type ChartSeries, type ChartSpec, lineChartSvg } from './render/charts.ts';
export { RunFolderError } from './run-folder.ts';
export { DEFAULT_SLO_TARGETS, type SloTargets } from './slo.ts';
export type { VerdictStatus } from './verdict.ts';
export type { Lang };
export { ALL_FORMATS };

/** The history page of a runs folder: history.html and history.md, written into that folder. */
export async function renderHistory(
  dir: string,
  options: { scenario?: string | null; lang?: Lang; formats?: ReportFormat[]; generatedAt?: string } = {},
): Promise<{ files: string[]; history: History }> {
  const formats = options.formats ?? ['html', 'md'];
  checkFormats(formats);
  const other = formats.filter((f) => f !== 'html' && f !== 'md');
  if (other.length > 0) {
    throw new ReportOptionsError(
      `the history is one HTML page and Markdown: drop --format ${other.join(',')}`,
    );
  }
  const tr = translator(options.lang ?? 'en');
  const history = await loadHistory(dir, options.scenario ?? null);
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const files: string[] = [];
  const outputs: Array<[string, string]> = [];
  if (formats.includes('html')) outputs.push(['history.html', renderHistoryHtml(tr, history, generatedAt)]);
  if (formats.includes('md')) outputs.push(['history.md', renderHistoryMarkdown(tr, history, generatedAt)]);
  for (const [name, text] of outputs) {
    const path = join(dir, name);
    await writeFile(path, text);
    files.push(path);
  }
  return { files, history };
}

export type { History };
export { loadHistory };
