/**
 * What the app remembers between runs, outside the audit database: recent datasets,
 * the last reviewed audit, the window's bounds. A small JSON file, validated when read
 * (a damaged file is set aside, never fatal) and replaced atomically when written.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MethodSchema, RecentDatasetSchema, type RecentDataset } from '../../shared/views';

const MAX_RECENT = 10;

export const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export const LastAuditSchema = z.object({
  dataset: z.string().min(1),
  model: z.string().min(1),
  layer: z.string().min(1),
  method: MethodSchema,
});
export type LastAudit = z.infer<typeof LastAuditSchema>;

const SettingsSchema = z.object({
  recent: z.array(RecentDatasetSchema).default([]),
  last: LastAuditSchema.nullable().default(null),
  window: WindowStateSchema.nullable().default(null),
});
export type SettingsData = z.infer<typeof SettingsSchema>;

export class Settings {
  private data: SettingsData;

  /** @param file null: kept in memory only (a command-line run must not change the app's settings) */
  constructor(readonly file: string | null) {
    this.data = file === null ? SettingsSchema.parse({}) : read(file);
  }

  get recent(): readonly RecentDataset[] {
    return this.data.recent;
  }

  get last(): LastAudit | null {
    return this.data.last;
  }

  get window(): WindowState | null {
    return this.data.window;
  }

  /** Moves a dataset to the top of the recent list. */
  addRecent(root: string, name: string, at = new Date()): void {
    const rest = this.data.recent.filter((entry) => entry.root !== root);
    this.update({ recent: [{ root, name, openedAt: at.toISOString() }, ...rest].slice(0, MAX_RECENT) });
  }

  setLast(last: LastAudit | null): void {
    this.update({ last });
  }

  setWindow(window: WindowState): void {
    this.update({ window });
  }

  private update(patch: Partial<SettingsData>): void {
    this.data = { ...this.data, ...patch };
    if (this.file !== null) write(this.file, this.data);
  }
}

function read(file: string): SettingsData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return SettingsSchema.parse({});
  }
  try {
    return SettingsSchema.parse(JSON.parse(text));
  } catch (error) {
    // Keep the damaged file for whoever wants to look, and start afresh.
    const aside = `${file}.damaged`;
    try {
      renameSync(file, aside);
    } catch {
      // Nothing more to save.
    }
    console.warn(`biascope: settings in ${file} were unreadable (${(error as Error).message}); kept as ${aside}`);
    return SettingsSchema.parse({});
  }
}

function write(file: string, data: SettingsData): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`);
  renameSync(temporary, file);
}
