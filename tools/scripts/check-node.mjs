// Stops `npm test` and `npm start` early, with a clear message, on a Node.js other than 24.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  process.stderr.write(
    `This project needs Node.js 24 LTS; this is ${process.version}.\n` +
      'Install it (e.g. `nvm install` reads .nvmrc) and run the command again.\n',
  );
  process.exit(1);
}
