// Runs after `npm install` and `npm ci`: builds out/, so that bin/biascope.js runs the
// compiled command line instead of compiling the sources on every start. An install
// without the dev dependencies (--omit=dev) has no electron-vite to build with: it is
// not an error, the launcher then runs the sources through tsx.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

let manifest;
try {
  manifest = require.resolve('electron-vite/package.json');
} catch {
  console.error('biascope: electron-vite is not installed; the command line will run from the sources (slower to start)');
  process.exit(0);
}
const cli = path.join(path.dirname(manifest), require(manifest).bin['electron-vite']);
const build = spawnSync(process.execPath, [cli, 'build'], { stdio: 'inherit' });
process.exit(build.status ?? 1);
