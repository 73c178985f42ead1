// Runs every benchmark suite (bench/<suite>/run.mjs) one after another, or the ones named.
// Each suite prints its medians as a markdown table; docs/BENCHMARKS.md records them with the machine.
// Usage: node scripts/run-bench.mjs [delta] [model] [ingestor]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const BENCH = join(import.meta.dirname, '..', 'bench');
const all = readdirSync(BENCH).filter((d) => existsSync(join(BENCH, d, 'run.mjs')));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((s) => !all.includes(s));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; have: ${all.join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const suite of wanted.length > 0 ? wanted : all) {
  console.log(`\n=== bench/${suite} ===`);
  const result = spawnSync(process.execPath, [join(BENCH, suite, 'run.mjs')], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
