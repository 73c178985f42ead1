// Runs compiled test files with node's built-in runner, by layer:
//   unit → *.spec.js beside the code, int → *.int-spec.js (real broker, real Delta tables), e2e → test/dist/**/*.e2e-spec.js
// Usage: node scripts/run-tests.mjs unit int e2e
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LAYERS = {
  unit: ['libs/*/dist/**/*.spec.js', 'apps/*/dist/**/*.spec.js', 'k8s/tests/dist/**/*.spec.js'],
  int: ['libs/*/dist/**/*.int-spec.js', 'apps/*/dist/**/*.int-spec.js', 'k8s/tests/dist/**/*.int-spec.js'],
  e2e: ['test/dist/**/*.e2e-spec.js'],
};
// Integration and e2e suites share one broker and the machine's two cores: run their files one at a time.
const CONCURRENCY = { unit: undefined, int: 1, e2e: 1 };

const layers = process.argv.slice(2);
if (layers.length === 0 || layers.some((l) => !(l in LAYERS))) {
  console.error(`usage: run-tests.mjs <${Object.keys(LAYERS).join('|')}>...`);
  process.exit(2);
}

let failed = false;
const totals = { pass: 0, fail: 0 };
const tapDir = mkdtempSync(join(tmpdir(), 'run-tests-'));
for (const layer of layers) {
  const files = LAYERS[layer]
    .flatMap((pattern) => globSync(pattern))
    .filter((f) => !f.includes('node_modules'));
  console.log(`\n=== ${layer}: ${files.length} test files ===`);
  if (files.length === 0) continue;
  // spec for people, TAP to a file for the totals printed at the end.
  const tap = join(tapDir, `${layer}.tap`);
  const args = [
    '--enable-source-maps',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
  ];
  if (CONCURRENCY[layer]) args.push(`--test-concurrency=${CONCURRENCY[layer]}`);
  const result = spawnSync(process.execPath, [...args, ...files], {
    stdio: 'inherit',
    env: { ...process.env, TZ: 'UTC' },
  });
  if (result.status !== 0) failed = true;
  const summary = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  for (const key of ['pass', 'fail']) {
    totals[key] += Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(summary)?.[1] ?? 0);
  }
}
rmSync(tapDir, { recursive: true, force: true });
console.log(`\n${layers.join('+')}: ${totals.pass} passed, ${totals.fail} failed`);
process.exit(failed ? 1 : 0);
