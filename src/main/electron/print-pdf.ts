/**
 * Reports printed to PDF by Electron's own Chromium, so the desktop app needs no
 * browser besides itself. The report is loaded in a hidden, sandboxed window with
 * JavaScript off; its CSP already forbids every request.
 */
import { writeFileAtomic } from '../util/atomic-write';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { pdfPageCount, type PdfPrinter } from '../backend';

export const PRINT_WINDOW: BrowserWindowConstructorOptions = {
  show: false,
  webPreferences: { sandbox: true, contextIsolation: true, javascript: false, nodeIntegration: false },
};

export function electronPdfPrinter(newWindow: (options: BrowserWindowConstructorOptions) => BrowserWindow): PdfPrinter {
  return async (htmlFile, pdfFile) => {
    const window = newWindow(PRINT_WINDOW);
    try {
      await window.loadFile(htmlFile);
      const pdf = await window.webContents.printToPDF({
        pageSize: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        // Accessible: a structure tree and bookmarks, as the Chromium printer writes them.
        generateTaggedPDF: true,
        generateDocumentOutline: true,
      });
      await writeFileAtomic(pdfFile, pdf);
      return { pages: pdfPageCount(pdf), bytes: pdf.length };
    } finally {
      window.destroy();
    }
  };
}
