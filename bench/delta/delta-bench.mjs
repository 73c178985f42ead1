// One benchmark step in its own process (so peak RSS is this step's), printing one JSON line.
//   append <dir> <rows>              build <rows> ticks in JS and append them to an empty table: one commit
//   build-base <dir> <dates> <rows>  the merge target: <dates> partitions of <rows> ticks each
//   merge <dir> <source-rows>        MERGE <source-rows> ticks (half updates, half inserts) into the last date
import { performance } from 'node:perf_hooks';

import { DeltaTable } from '@lakehouse/delta';

import { dateOf, ticks } from './ticks.mjs';

const [command, dir, ...args] = process.argv.slice(2);
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function append(rows) {
  // The table exists before the batch arrives, as in the pipeline: only building and appending are timed.
  const table = await DeltaTable.create(dir, ticks(1, 0, dateOf(0)).schema, { partitionBy: ['date'] });
  const t0 = performance.now();
  const data = ticks(rows, 0, dateOf(0));
  const t1 = performance.now();
  const { version } = await table.append(data);
  const t2 = performance.now();
  return { rows, version, buildS: (t1 - t0) / 1000, appendS: (t2 - t1) / 1000, peakRssMb: peakRssMb() };
}

async function buildBase(dates, rowsPerDate) {
  const first = ticks(1, 0, dateOf(0));
  const table = await DeltaTable.create(dir, first.schema, { partitionBy: ['date'] });
  for (let d = 0; d < dates; d += 1) await table.append(ticks(rowsPerDate, d * rowsPerDate, dateOf(d)));
  return { rows: dates * rowsPerDate, version: await table.version() };
}

async function merge(sourceRows) {
  const table = await DeltaTable.open(dir);
  const files = (await table.files()).toArray();
  const lastDate = files
    .map((f) => f['partition.date'])
    .sort()
    .at(-1);
  const count = (fs) => fs.reduce((n, f) => n + Number(f.num_records), 0);
  const rows = count(files.filter((f) => f['partition.date'] === lastDate));
  const maxId = count(files) - 1;
  // Half the source updates existing rows of the last date, half inserts new ids into it.
  const firstId = maxId + 1 - sourceRows / 2;
  const source = ticks(sourceRows, firstId, lastDate, 1);
  const t0 = performance.now();
  const result = await table.merge(source, {
    predicate: `target.date = '${lastDate}' AND target.date = source.date AND target.id = source.id`,
    whenMatched: [{ updateAll: true }],
    whenNotMatched: [{ insertAll: true }],
  });
  const t1 = performance.now();
  return {
    mergeS: (t1 - t0) / 1000,
    partitionRows: rows,
    updated: result.numTargetRowsUpdated,
    inserted: result.numTargetRowsInserted,
    filesScanned: result.numTargetFilesScanned,
    filesSkipped: result.numTargetFilesSkippedDuringScan,
    peakRssMb: peakRssMb(),
  };
}

const steps = {
  append: () => append(Number(args[0])),
  'build-base': () => buildBase(Number(args[0]), Number(args[1])),
  merge: () => merge(Number(args[0])),
};
if (!(command in steps) || dir === undefined) {
  console.error('usage: delta-bench.mjs append|build-base|merge <dir> ...');
  process.exit(2);
}
console.log(JSON.stringify(await steps[command]()));
