// Delta binding benchmarks against the Python deltalake baseline (same Rust core), same machine, same run.
// Each step runs in its own process; the order alternates per run. Prints medians as a markdown table and
// writes all samples to $LAKEHOUSE_WORK/bench/delta.json (default .work/).
// Usage: node bench/delta/run.mjs   (after npm run build:native && npm run build && scripts/python/setup.sh)
// Env: RUNS (5), APPEND_ROWS (1e6), MERGE_DATES (20), MERGE_ROWS_PER_DATE (250000), SOURCE_ROWS (100000)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../lib/stats.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const RUNS = Number(process.env.RUNS ?? 5);
const APPEND_ROWS = Number(process.env.APPEND_ROWS ?? 1_000_000);
const MERGE_DATES = Number(process.env.MERGE_DATES ?? 20);
const MERGE_ROWS_PER_DATE = Number(process.env.MERGE_ROWS_PER_DATE ?? 250_000);
const SOURCE_ROWS = Number(process.env.SOURCE_ROWS ?? 100_000);
const CACHE = process.env.LAKEHOUSE_CACHE ?? join(homedir(), '.cache', 'fin-lakehouse');
const PYTHON = join(CACHE, 'venv', 'bin', 'python');
const OUT = join(process.env.LAKEHOUSE_WORK ?? join(ROOT, '.work'), 'bench', 'delta.json');

if (!existsSync(PYTHON)) {
  console.error(`the Python baseline needs ${PYTHON}: run scripts/python/setup.sh first`);
  process.exit(1);
}

const step = (cmd, args) =>
  JSON.parse(
    execFileSync(cmd, args, { cwd: HERE, encoding: 'utf8', maxBuffer: 1 << 26 })
      .trim()
      .split('\n')
      .at(-1),
  );
const node = (...args) => step(process.execPath, [join(HERE, 'delta-bench.mjs'), ...args.map(String)]);
const python = (...args) => step(PYTHON, [join(HERE, 'baseline.py'), ...args.map(String)]);

const work = mkdtempSync(join(tmpdir(), 'delta-bench-'));
const samples = { append: { node: [], python: [] }, merge: { node: [], python: [] } };
try {
  for (let run = 0; run < RUNS; run += 1) {
    const order = run % 2 === 0 ? ['node', 'python'] : ['python', 'node'];
    for (const who of order) {
      const dir = join(work, `append-${who}-${run}`);
      samples.append[who].push((who === 'node' ? node : python)('append', dir, APPEND_ROWS));
      rmSync(dir, { recursive: true, force: true });
    }
    console.error(`append run ${run + 1}/${RUNS} done`);
  }
  const base = join(work, 'merge-base');
  const built = node('build-base', base, MERGE_DATES, MERGE_ROWS_PER_DATE);
  console.error(`merge target: ${built.rows} rows in ${MERGE_DATES} date partitions`);
  for (let run = 0; run < RUNS; run += 1) {
    const order = run % 2 === 0 ? ['node', 'python'] : ['python', 'node'];
    for (const who of order) {
      const dir = join(work, `merge-${who}-${run}`);
      cpSync(base, dir, { recursive: true });
      samples.merge[who].push((who === 'node' ? node : python)('merge', dir, SOURCE_ROWS));
      rmSync(dir, { recursive: true, force: true });
    }
    console.error(`merge run ${run + 1}/${RUNS} done`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const summary = {};
for (const who of ['node', 'python']) {
  const a = samples.append[who];
  const m = samples.merge[who];
  summary[who] = {
    appendS: median(a.map((s) => s.appendS)),
    buildS: median(a.map((s) => s.buildS)),
    appendRowsPerS: APPEND_ROWS / median(a.map((s) => s.appendS)),
    buildAndAppendRowsPerS: APPEND_ROWS / median(a.map((s) => s.buildS + s.appendS)),
    appendPeakRssMb: Math.max(...a.map((s) => s.peakRssMb)),
    mergeS: median(m.map((s) => s.mergeS)),
    mergePeakRssMb: Math.max(...m.map((s) => s.peakRssMb)),
  };
}
const ratio = (k) => summary.node[k] / summary.python[k];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
const result = {
  date: new Date().toISOString(),
  machine,
  params: { RUNS, APPEND_ROWS, MERGE_DATES, MERGE_ROWS_PER_DATE, SOURCE_ROWS },
  summary,
  ratios: { appendTime: ratio('appendS'), mergeTime: ratio('mergeS') },
  samples,
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(result, null, 2));

const f = (x, d = 2) => x.toFixed(d);
console.log(`Machine: ${machine}; median of ${RUNS} runs; samples in ${OUT}\n`);
console.log('| Operation | Binding (Node) | Python deltalake | Binding / Python time |');
console.log('|---|---|---|---|');
console.log(
  `| Append ${APPEND_ROWS} rows: append only | ${f(summary.node.appendS)} s (${f(summary.node.appendRowsPerS, 0)} rows/s) | ${f(summary.python.appendS)} s (${f(summary.python.appendRowsPerS, 0)} rows/s) | ${f(ratio('appendS'))}× |`,
);
console.log(
  `| Append: build rows in the language + append | ${f(summary.node.buildS + summary.node.appendS)} s (${f(summary.node.buildAndAppendRowsPerS, 0)} rows/s) | ${f(summary.python.buildS + summary.python.appendS)} s (${f(summary.python.buildAndAppendRowsPerS, 0)} rows/s) | ${f((summary.node.buildS + summary.node.appendS) / (summary.python.buildS + summary.python.appendS))}× |`,
);
console.log(
  `| Append: peak RSS (max of runs) | ${f(summary.node.appendPeakRssMb, 0)} MB | ${f(summary.python.appendPeakRssMb, 0)} MB | |`,
);
console.log(
  `| MERGE ${SOURCE_ROWS} rows into ${MERGE_DATES * MERGE_ROWS_PER_DATE} (by date) | ${f(summary.node.mergeS)} s | ${f(summary.python.mergeS)} s | ${f(ratio('mergeS'))}× |`,
);
console.log(
  `| MERGE: peak RSS (max of runs) | ${f(summary.node.mergePeakRssMb, 0)} MB | ${f(summary.python.mergePeakRssMb, 0)} MB | |`,
);
