// Loads the compiled binding. Only libs/delta/src may require this file.
// The .node file is a build output (npm run build:native), never committed.
'use strict';
const { join } = require('node:path');

const ADDON = join(__dirname, 'delta.node');
try {
  module.exports = require(ADDON);
} catch (error) {
  throw new Error(`cannot load the Delta binding at ${ADDON}; run \`npm run build:native\` first`, { cause: error });
}
