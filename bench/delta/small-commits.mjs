// What one small append costs as a table's file count grows: N appends of ROWS ticks each to a fresh table (change
// data feed on, as Bronze), CPU and wall per commit in steps of 50, then one OPTIMIZE and 50 more appends.
// The streaming stages commit a few hundred rows several times a second, so this is their per-commit overhead.
// Usage: node bench/delta/small-commits.mjs [N=300] [ROWS=130]   (after npm run build). Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeltaTable } from '@lakehouse/delta';
import { dateOf, ticks } from './ticks.mjs';

const N = Number(process.argv[2] ?? 300);
const ROWS = Number(process.argv[3] ?? 130);
const STEP = 50;
const dir = mkdtempSync(join(tmpdir(), 'small-commits-'));

/** Runs `count` appends and returns ms per commit (CPU of this process, all threads, and wall). */
async function appends(table, count, first) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) await table.append(ticks(ROWS, (first + i) * ROWS, dateOf(0)));
  const used = process.cpuUsage(cpu);
  return {
    cpuMs: Number(((used.user + used.system) / 1000 / count).toFixed(1)),
    wallMs: Number(((performance.now() - started) / count).toFixed(1)),
  };
}

try {
  const table = await DeltaTable.create(dir, ticks(1, 0, dateOf(0)).schema, {
    partitionBy: ['date'],
    properties: { 'delta.enableChangeDataFeed': 'true' },
  });
  const steps = [];
  for (let done = 0; done < N; done += STEP)
    steps.push({ files: done + STEP, ...(await appends(table, STEP, done)) });
  const optimize = await table.optimize();
  const afterOptimize = await appends(table, STEP, N);
  console.log(
    JSON.stringify({
      bench: 'small-commits',
      rowsPerCommit: ROWS,
      perCommitByFiles: steps,
      optimize: { filesRemoved: optimize.numFilesRemoved, filesAdded: optimize.numFilesAdded },
      afterOptimize,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
