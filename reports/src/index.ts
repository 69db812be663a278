// The report generator's public entry: read a run folder (and optionally a baseline run folder), decide
// the verdict, and write report.html, report.md, report.json and, where Chromium is installed, report.pdf
// into the run folder.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { translator } from './i18n/index.ts';
import { loadReportModel, type RenderInternals } from './load.ts';
import { renderHtml } from './render/html.ts';
import { type PdfOutcome, renderJson } from './render/json.ts';
import { renderMarkdown } from './render/markdown.ts';
import { CHROMIUM_PATH, chromiumAvailable, htmlToPdf, PdfRenderError } from './render/pdf.ts';

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

export async function renderReports(
  runDir: string,
  options: RenderOptions & RenderInternals = {},
): Promise<{ files: string[] }> {
  const lang = options.lang ?? 'en';
  const formats = options.formats ?? ALL_FORMATS;
  const unknown = formats.filter((f) => !ALL_FORMATS.includes(f));
  if (unknown.length > 0) {
    throw new ReportOptionsError(
      `unknown report format "${unknown.join(', ')}": use ${ALL_FORMATS.join(', ')}`,
    );
  }
  const tr = translator(lang);
  const model = await loadReportModel(runDir, { ...options, lang });
  const files: string[] = [];
  const write = async (name: string, data: string | Buffer) => {
    const path = join(runDir, name);
    await writeFile(path, data);
    files.push(path);
  };

  const html = renderHtml(tr, model);
  const pdf = formats.includes('pdf')
    ? await writePdf(html, options.chromiumPath ?? CHROMIUM_PATH, write)
    : null;
  const pdfProblem = pdf?.problem ?? null;
  // The HTML is written after the PDF attempt so a skipped PDF is noted in every format alike.
  if (formats.includes('html')) {
    await write('report.html', pdfProblem ? renderHtml(tr, model, pdfProblem) : html);
  }
  if (formats.includes('md')) await write('report.md', renderMarkdown(tr, model, pdfProblem));
  if (formats.includes('json')) await write('report.json', renderJson(model, lang, pdf));
  return { files };
}

export { type CompareResult, compareRunFolders } from './compare.ts';
export type { Lang } from './i18n/index.ts';
export { loadReportModel, type RenderInternals } from './load.ts';
export { RunFolderError } from './run-folder.ts';
export { DEFAULT_SLO_TARGETS, type SloTargets } from './slo.ts';
export type { VerdictStatus } from './verdict.ts';
