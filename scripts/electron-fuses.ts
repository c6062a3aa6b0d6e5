/**
 * Electron's fuses for a packaged biascope: switches compiled into the Electron binary
 * that no command line, environment variable or file can turn back on. Run on the
 * binary of a packaged app, before signing:
 *
 *   npm run package:fuses -- <path to the packaged Electron binary or .app>
 *
 * Off: running the binary as plain Node (ELECTRON_RUN_AS_NODE), NODE_OPTIONS, --inspect,
 * and file:// pages' extra privileges (the page loads over biascope-app:// anyway). On:
 * cookie encryption, and loading the app only from its asar archive, checked against the
 * integrity hash the packager embeds.
 */
import { FuseV1Options, FuseVersion, flipFuses, type FuseV1Config } from '@electron/fuses';

export const BIASCOPE_FUSES: FuseV1Config = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** Sets biascope's fuses in an Electron binary; resolves with how many fuse wires were written. */
export function setFuses(electronBinary: string): Promise<number> {
  // macOS re-signs ad hoc after the write; a real signature comes after this step.
  return flipFuses(electronBinary, { ...BIASCOPE_FUSES, resetAdHocDarwinSignature: process.platform === 'darwin' });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const binary = process.argv[2];
  if (!binary) {
    console.error('usage: npm run package:fuses -- <path to the packaged Electron binary>');
    process.exit(2);
  }
  setFuses(binary).then(
    (wires) => console.log(`biascope: fuses set in ${binary} (${wires} fuse wire${wires === 1 ? '' : 's'})`),
    (error: unknown) => {
      console.error(`biascope: cannot set the fuses of ${binary}: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
