/**
 * The report as PDF: Chromium's print to PDF, driven by playwright-core, with
 * Debian's Chromium (or the one BIASCOPE_CHROMIUM names). Every request is refused:
 * the report is self-contained, and printing it must not reach the network.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../safe-write';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function chromiumPath(): string {
  return process.env['BIASCOPE_CHROMIUM'] ?? DEFAULT_CHROMIUM;
}

export class ChromiumMissingError extends Error {
  constructor(where: string) {
    super(`no Chromium at ${where} to print the PDF: install Debian's chromium (apt-get install chromium) or set BIASCOPE_CHROMIUM to a Chromium binary`);
  }
}

/** Pages of a PDF, counted from its page objects (`/Type /Page`, not `/Pages`). */
/** Prints an HTML file to a PDF file; returns its page count and size. */
export type PdfPrinter = (htmlFile: string, pdfFile: string) => Promise<{ pages: number; bytes: number }>;

export function pdfPageCount(bytes: Uint8Array): number {
  const text = Buffer.from(bytes).toString('latin1');
  return (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

const FOOTER = '<div style="font-size:8px;color:#64748b;width:100%;text-align:right;margin-right:12mm"><span class="pageNumber"></span> / <span class="totalPages"></span></div>';

/** Whether a PDF carries a structure tree, as a tagged (accessible) PDF does. */
export function pdfIsTagged(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes).toString('latin1');
  return /\/StructTreeRoot/.test(text) && /\/MarkInfo\s*<<[^>]*\/Marked\s+true/.test(text);
}

/** Prints the HTML file to `pdfFile` (A4, tagged, with an outline); returns its page count. */
export async function printPdf(htmlFile: string, pdfFile: string): Promise<{ pages: number; bytes: number }> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new ChromiumMissingError(executablePath);
  const html = await readFile(htmlFile, 'utf8');
  // Loaded when a PDF is asked for: the driver is large, and most commands never print.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => route.abort());
    // From a string: no file:// origin, so nothing on disk next to the report is reachable either.
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: FOOTER,
      // Accessible: a structure tree (headings, lists, tables, figures with their alt text) and bookmarks from the headings.
      tagged: true,
      outline: true,
    });
    await writeFileAtomic(pdfFile, pdf);
    return { pages: pdfPageCount(pdf), bytes: pdf.length };
  } finally {
    await browser.close();
  }
}
