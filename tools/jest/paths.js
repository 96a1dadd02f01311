// Maps every workspace library's entry points to its TypeScript source, so tests import
// libraries exactly as the apps do (`@service-trust/<lib>[/testing]`) without building them first.
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

function workspaceLibraryMapper(workspaceRoot) {
  const libsDir = join(workspaceRoot, 'libs');
  const mapper = {};
  for (const lib of existsSync(libsDir) ? readdirSync(libsDir) : []) {
    const manifest = join(libsDir, lib, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
    const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    mapper[`^${escaped}$`] = join(libsDir, lib, 'src/index.ts');
    mapper[`^${escaped}/testing$`] = join(libsDir, lib, 'src/testing/index.ts');
  }
  return mapper;
}

module.exports = { workspaceLibraryMapper };
