// Interop with the reference implementations: Python deltalake (delta-rs) and Spark with delta-spark.
// They come from scripts/python/setup.sh (a venv under $LAKEHOUSE_CACHE); without it this suite FAILS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Table } from 'apache-arrow';
import { Type } from 'apache-arrow';

import { DeltaTable } from './delta-table.js';
import { tempDir, ticks, TICK_SCHEMA } from './test-support.js';

const CACHE = process.env.LAKEHOUSE_CACHE ?? join(homedir(), '.cache', 'fin-lakehouse');
const PYTHON = join(CACHE, 'venv', 'bin', 'python');
const INTEROP_DIR = join(__dirname, '..', 'interop');
const APP_ID = 'interop-app';
const APP_VERSION = 42;
const BATCH = 50;
/** Spark's JVM needs far longer than node's default per-test budget on two cores. */
const SPARK_TIMEOUT_MS = 300_000;

/** What every side reports about a table (see interop/summary.py). */
interface Summary {
  readonly version: number;
  readonly columns: [string, string][];
  readonly numRows: number;
  readonly ids: number[];
  readonly priceSum: number;
  readonly history: [number, string][];
  readonly txn: number | null;
  readonly partitionColumns: string[];
}

function python(script: string, args: string[], timeout = 120_000): string {
  if (!existsSync(PYTHON)) {
    throw new Error(`interop needs the Python venv at ${PYTHON}: run scripts/python/setup.sh first`);
  }
  return execFileSync(PYTHON, [join(INTEROP_DIR, script), ...args], {
    cwd: INTEROP_DIR,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, LAKEHOUSE_CACHE: CACHE, SPARK_IVY_DIR: join(CACHE, 'ivy2') },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);
}

const DELTA_TYPE: Partial<Record<Type, string>> = {
  [Type.Int]: 'long',
  [Type.Utf8]: 'string',
  [Type.Float]: 'double',
  [Type.Timestamp]: 'timestamp',
};

/** The binding's view of a table, in the same shape as the Python scripts print. */
async function bindingSummary(table: DeltaTable, appId?: string): Promise<Summary> {
  const data: Table = await table.toArrow();
  const schema = await table.schema();
  const ids = Array.from(data.getChild('id')!.toArray() as BigInt64Array, Number).sort((a, b) => a - b);
  const prices = Array.from(data.getChild('price')!.toArray() as Float64Array);
  const history = (await table.history()).map((c): [number, string] => [c.version, c.operation ?? '']);
  return {
    version: await table.version(),
    columns: schema.fields.map((f): [string, string] => [f.name, DELTA_TYPE[f.typeId] ?? String(f.type)]),
    numRows: data.numRows,
    ids,
    priceSum: prices.reduce((a, b) => a + b, 0),
    history: history.sort((a, b) => a[0] - b[0]),
    txn: appId === undefined ? null : ((await table.txnVersion(appId)) ?? null),
    partitionColumns: [...(await table.metadata()).partitionColumns],
  };
}

describe('interop with the reference implementations', () => {
  const dir = tempDir();
  after(dir.cleanup);
  const fromBinding = join(dir.path, 'written-by-binding');
  const fromPython = join(dir.path, 'written-by-python');
  let bindingView: Summary;
  let pythonWritten: Summary | undefined;
  /** Writes the Python table once, whichever test needs it first. */
  const writeWithPython = (): Summary => {
    pythonWritten ??= jsonLines<Summary>(
      python('deltalake_write.py', [fromPython, APP_ID, String(APP_VERSION)]),
    )[0];
    assert.ok(pythonWritten !== undefined, 'deltalake_write.py printed no summary');
    return pythonWritten;
  };

  before(async () => {
    const table = await DeltaTable.create(fromBinding, TICK_SCHEMA, { partitionBy: ['date'] });
    await table.append(ticks(BATCH));
    await table.append(ticks(BATCH, BATCH), { txns: [{ appId: APP_ID, version: APP_VERSION }] });
    await table.merge(ticks(10, 95, 1000), {
      predicate: 'target.id = source.id',
      whenMatched: [{ updateAll: true }],
      whenNotMatched: [{ insertAll: true }],
    });
    await table.delete('id < 5');
    bindingView = await bindingSummary(table, APP_ID);
  });

  it('writes a table Python deltalake reads identically', () => {
    const [python_] = jsonLines<Summary>(python('deltalake_summary.py', [fromBinding, APP_ID]));
    assert.deepEqual(python_, bindingView);
    assert.equal(python_?.txn, APP_VERSION);
  });

  it('reads a table written by Python deltalake identically', async () => {
    const written = writeWithPython();
    const ours = await bindingSummary(await DeltaTable.open(fromPython), APP_ID);
    assert.deepEqual(ours, written);
    assert.equal(ours.txn, APP_VERSION);
  });

  it(
    'writes tables that Spark with delta-spark reads identically',
    { timeout: SPARK_TIMEOUT_MS },
    async () => {
      writeWithPython();
      const views = jsonLines<Summary & { path: string }>(
        python('spark_summary.py', [fromBinding, fromPython], SPARK_TIMEOUT_MS),
      );
      const spark = new Map(views.map(({ path, ...rest }) => [path, rest]));
      assert.deepEqual(spark.get(fromBinding), { ...bindingView, txn: null });
      const pythonView = await bindingSummary(await DeltaTable.open(fromPython));
      assert.deepEqual(spark.get(fromPython), pythonView);
    },
  );
});
