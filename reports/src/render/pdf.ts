// report.pdf through the machine's own headless Chromium (Debian package `chromium`). playwright-core
// brings no browser of its own, so nothing is downloaded; where Chromium is absent the PDF is skipped
// and report.json says why.
import { access, constants } from 'node:fs/promises';
// playwright-core is loaded when a PDF is rendered, not with the CLI: it costs ~150 ms of every start.
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

// No network, no background services: the page is self-contained and the render must stay offline.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class PdfRenderError extends Error {
  readonly code = 'REPORT_PDF_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfRenderError';
  }
}

export async function chromiumAvailable(path = CHROMIUM_PATH): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function htmlToPdf(html: string, executablePath = CHROMIUM_PATH): Promise<Buffer> {
  let browser: Browser | undefined;
  try {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
    const page = await browser.newPage();
    // Block every request: the report must render from its own bytes alone.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
    });
  } catch (error) {
    throw new PdfRenderError(`Chromium could not print the report: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await browser?.close();
  }
}
