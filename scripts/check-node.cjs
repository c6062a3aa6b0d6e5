// Runs before `npm install`: biascope needs the Node inside Electron 45 (24 LTS) or
// at least 22, where better-sqlite3 13 and sharp install N-API prebuilds.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `\nbiascope needs Node 22 or newer (24 LTS recommended); this is Node ${process.versions.node}.\n` +
      'Get Node 24 without touching the system Node:\n' +
      '  npm install --prefix ~/.biascope-node node@24\n' +
      '  export PATH="$HOME/.biascope-node/node_modules/.bin:$PATH"\n' +
      'then run `npm install` again.\n',
  );
  process.exit(1);
}
