// What a tailing reader pays for the change feed of the newest commit, as the refiner reads Bronze: a table of N
// appends of ROWS ticks (change data feed on, a checkpoint every 100 versions, as Bronze), then, REPEAT times each:
// - `behind`: a live handle loaded GAP commits ago reads the newest commit (the refiner between two log reads);
// - `current`: the same handle reads the next commit right after (one commit behind);
// - `compaction`: it reads an OPTIMIZE commit (no rows);
// - `scan`: a handle pinned at the newest version reads the same commit, which takes delta-rs's CDF scan (the table's
//   file list is already loaded; before the tail read, a live handle paid this plus the reload);
// - `latestVersion`: a live handle loaded GAP commits ago asks for the newest version.
// Medians in ms of wall time. Usage: node bench/delta/tail-changes.mjs [N=600] [ROWS=250] [GAP=60] [REPEAT=5]
// (after npm run build). Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeltaTable } from '@lakehouse/delta';
import { dateOf, ticks } from './ticks.mjs';

const N = Number(process.argv[2] ?? 600);
const ROWS = Number(process.argv[3] ?? 250);
const GAP = Number(process.argv[4] ?? 60);
const REPEAT = Number(process.argv[5] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'tail-changes-'));

let next = 0;
const append = (table) => table.append(ticks(ROWS, next++ * ROWS, dateOf(0)));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(f) {
  const started = performance.now();
  const result = await f();
  return { ms: performance.now() - started, result };
}

try {
  const writer = await DeltaTable.create(dir, ticks(1, 0, dateOf(0)).schema, {
    partitionBy: ['date'],
    properties: { 'delta.enableChangeDataFeed': 'true', 'delta.checkpointInterval': '100' },
  });
  for (let i = 0; i < N; i++) await append(writer);
  const samples = { behind: [], current: [], compaction: [], scan: [], latestVersion: [] };
  for (let r = 0; r < REPEAT; r++) {
    const reader = await DeltaTable.open(dir);
    const lagging = await DeltaTable.open(dir);
    for (let i = 0; i < GAP; i++) await append(writer);
    let latest = await writer.latestVersion();
    samples.latestVersion.push((await timed(() => lagging.latestVersion())).ms);
    const behind = await timed(() => reader.changes({ afterVersion: latest - 1, toVersion: latest }));
    if (behind.result.numRows !== ROWS) throw new Error(`read ${behind.result.numRows} rows, not ${ROWS}`);
    samples.behind.push(behind.ms);
    const pinned = await DeltaTable.open(dir, { version: latest });
    samples.scan.push(
      (await timed(() => pinned.changes({ afterVersion: latest - 1, toVersion: latest }))).ms,
    );
    await append(writer);
    latest += 1;
    samples.current.push(
      (await timed(() => reader.changes({ afterVersion: latest - 1, toVersion: latest }))).ms,
    );
    await writer.optimize();
    latest = await writer.latestVersion();
    const compaction = await timed(() => reader.changes({ afterVersion: latest - 1, toVersion: latest }));
    if (compaction.result.numRows !== 0) throw new Error('a compaction added rows');
    samples.compaction.push(compaction.ms);
  }
  const medians = Object.fromEntries(
    Object.entries(samples).map(([k, xs]) => [k, Number(median(xs).toFixed(1))]),
  );
  console.log(
    JSON.stringify({
      bench: 'tail-changes',
      commits: N,
      rowsPerCommit: ROWS,
      gap: GAP,
      repeat: REPEAT,
      medianMs: medians,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
