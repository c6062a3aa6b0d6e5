/** The desktop app's PDF printer, on a stand-in window: what it loads, prints, writes and closes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { electronPdfPrinter, PRINT_WINDOW } from '../../src/main/electron/print-pdf';
import { tempDir } from '../fixtures/models';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Pages /Count 2 >>\n2 0 obj << /Type /Page >>\n3 0 obj << /Type /Page >>\n%%EOF');

function fakeWindow(fail?: 'load' | 'print') {
  const calls: string[] = [];
  let options: BrowserWindowConstructorOptions | undefined;
  const printed: Record<string, unknown>[] = [];
  const window = {
    loadFile: async (file: string) => {
      calls.push(`load ${path.basename(file)}`);
      if (fail === 'load') throw new Error('ERR_FILE_NOT_FOUND');
    },
    webContents: {
      printToPDF: async (settings: { pageSize: string; printBackground: boolean }) => {
        printed.push(settings);
        calls.push(`print ${settings.pageSize} ${settings.printBackground}`);
        if (fail === 'print') throw new Error('printing failed');
        return PDF;
      },
    },
    destroy: () => calls.push('destroy'),
  };
  const make = (given: BrowserWindowConstructorOptions) => {
    options = given;
    return window as unknown as BrowserWindow;
  };
  return { calls, make, options: () => options, printed };
}

describe('electronPdfPrinter', () => {
  it('prints the report in a hidden sandboxed window without JavaScript, writes the PDF and closes the window', async () => {
    const dir = tempDir('biascope-print-');
    const fake = fakeWindow();
    const result = await electronPdfPrinter(fake.make)(path.join(dir, 'report.html'), path.join(dir, 'report.pdf'));
    expect(result).toEqual({ pages: 2, bytes: PDF.length });
    expect(readFileSync(path.join(dir, 'report.pdf'))).toEqual(PDF);
    expect(fake.calls).toEqual(['load report.html', 'print A4 true', 'destroy']);
    // Accessible: tagged, with bookmarks from the headings.
    expect(fake.printed[0]).toMatchObject({ generateTaggedPDF: true, generateDocumentOutline: true });
    expect(fake.options()).toBe(PRINT_WINDOW);
    expect(PRINT_WINDOW).toMatchObject({ show: false, webPreferences: { sandbox: true, javascript: false, nodeIntegration: false } });
  });

  it('closes the window when loading or printing fails, and passes the error on', async () => {
    const dir = tempDir('biascope-print-');
    for (const fail of ['load', 'print'] as const) {
      const fake = fakeWindow(fail);
      await expect(electronPdfPrinter(fake.make)(path.join(dir, 'r.html'), path.join(dir, 'r.pdf'))).rejects.toThrow(fail === 'load' ? 'ERR_FILE' : 'printing failed');
      expect(fake.calls.at(-1)).toBe('destroy');
    }
  });
});
