/**
 * The packaging step that sets Electron's fuses, run for real on a binary laid out as
 * Electron's are (the fuse wire after its sentinel, every fuse as Electron ships it): the
 * Electron binary itself cannot be downloaded here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { BIASCOPE_FUSES, setFuses } from '../../scripts/electron-fuses';
import { tempDir } from '../fixtures/temp';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ENABLED = 0x31;
const DISABLED = 0x30;

/** Machine code around a version-1 wire of nine fuses, as Electron 45 ships them (RunAsNode, NODE_OPTIONS... on). */
function fakeElectron(): string {
  const wire = [ENABLED, DISABLED, ENABLED, ENABLED, DISABLED, DISABLED, DISABLED, ENABLED, ENABLED];
  const file = path.join(tempDir('biascope-fuses-'), 'electron');
  writeFileSync(file, Buffer.concat([Buffer.alloc(4096, 0xcc), Buffer.from(SENTINEL), Buffer.from([1, wire.length, ...wire]), Buffer.alloc(4096, 0xcc)]));
  return file;
}

describe('setFuses', () => {
  it('turns off running as Node, NODE_OPTIONS, --inspect and file:// privileges, and on asar-only loading with integrity and cookie encryption', async () => {
    const binary = fakeElectron();
    const before = readFileSync(binary).length;
    expect(await setFuses(binary)).toBe(1);
    const fuses = await getCurrentFuseWire(binary);
    const state = (option: FuseV1Options) => fuses[option];
    expect(state(FuseV1Options.RunAsNode)).toBe(DISABLED);
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(DISABLED);
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe(DISABLED);
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(DISABLED);
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe(ENABLED);
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe(ENABLED);
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(ENABLED);
    // Fuses it does not name keep what Electron ships.
    expect(state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot)).toBe(DISABLED);
    expect(state(FuseV1Options.WasmTrapHandlers)).toBe(ENABLED);
    expect(readFileSync(binary).length).toBe(before);
    expect(Object.keys(BIASCOPE_FUSES).filter((k) => k !== 'version')).toHaveLength(7);
  });
});
