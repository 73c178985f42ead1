import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AppTransaction,
  BRONZE_QUARANTINE,
  BRONZE_TICKS,
  type BronzeSource,
  type CommitResult,
  InMemoryLake,
  type TableDefinition,
} from '@lakehouse/lake';
import { BronzeExactlyOnce, type BronzeSlice, liveAppId } from './bronze-exactly-once';
import { toBronzeOutcome } from './bronze-rows';

const INGEST_US = 1_732_000_000_000_000n;
const TOPIC = 'ticks.raw';
const PARTITION = 2;
const APP_ID = liveAppId(TOPIC, PARTITION);
const OPTIONS = { exchangeTimeZone: 'America/New_York' };
const GOOD = (n: number): string =>
  JSON.stringify({ symbol: 'AAPL', price: 100 + n, volume: n, timestamp: n });

/** Builds the slice a live batch of `payloads` starting at `firstOffset` produces. */
function sliceOf(firstOffset: number, payloads: readonly string[]): BronzeSlice {
  const rows: BronzeSlice['rows'][number][] = [];
  const rejects: BronzeSlice['rejects'][number][] = [];
  payloads.forEach((payload, i) => {
    const offset = BigInt(firstOffset + i);
    const source: BronzeSource = { kind: 'live', topic: TOPIC, partition: PARTITION, offset };
    const outcome = toBronzeOutcome(new TextEncoder().encode(payload), source, INGEST_US, OPTIONS);
    if (outcome.kind === 'row') rows.push(outcome.row);
    else rejects.push({ position: offset, row: outcome.reject });
  });
  return { appId: APP_ID, lastPosition: BigInt(firstOffset + payloads.length - 1), rows, rejects };
}

/** A lake whose next Bronze append fails as a crash would: after the quarantine commit, before Bronze's. */
class CrashingLake extends InMemoryLake {
  crashNextBronzeAppend = false;
  override append<Row extends object>(
    table: TableDefinition<Row>,
    rows: readonly Row[],
    txns: readonly AppTransaction[],
  ): Promise<CommitResult> {
    if (table.name === BRONZE_TICKS.name && this.crashNextBronzeAppend) {
      this.crashNextBronzeAppend = false;
      return Promise.reject(new Error('process died'));
    }
    return super.append(table, rows, txns);
  }
}

async function freshWriter(
  lake = new InMemoryLake(),
): Promise<{ lake: InMemoryLake; writer: BronzeExactlyOnce }> {
  const writer = new BronzeExactlyOnce(lake);
  await writer.ensureTables();
  return { lake, writer };
}

describe('BronzeExactlyOnce', () => {
  it('stores the last offset of the slice in the same commit as its rows', async () => {
    const { lake, writer } = await freshWriter();
    const commit = await writer.commit([sliceOf(0, [GOOD(0), GOOD(1), GOOD(2)])]);
    assert.equal(commit.rows, 3);
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 3);
    const reloaded = new BronzeExactlyOnce(lake);
    assert.equal(await reloaded.positionOf(APP_ID), 2n);
  });

  it('advances the position of a slice that held only rejects, with an empty Bronze commit', async () => {
    const { lake, writer } = await freshWriter();
    await writer.commit([sliceOf(10, ['not json', ''])]);
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 0);
    assert.deepEqual(
      lake.rowsOf(BRONZE_QUARANTINE).map((r) => r.reasonCode),
      ['INVALID_JSON', 'PAYLOAD_EMPTY'],
    );
    assert.equal(await new BronzeExactlyOnce(lake).positionOf(APP_ID), 11n);
  });

  it('replays a crash between the quarantine and Bronze commits without doubling either table', async () => {
    const lake = new CrashingLake();
    const { writer } = await freshWriter(lake);
    const slice = sliceOf(0, [GOOD(0), '{"symbol":"X"}', GOOD(2)]);
    lake.crashNextBronzeAppend = true;
    await assert.rejects(writer.commit([slice]), /process died/);
    assert.equal(lake.rowsOf(BRONZE_QUARANTINE).length, 1, 'the quarantine commit landed before the crash');
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 0);

    const restarted = new BronzeExactlyOnce(lake);
    assert.equal(await restarted.positionOf(APP_ID), undefined, 'Bronze holds no position yet: replay all');
    await restarted.commit([slice]);
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 2);
    assert.equal(lake.rowsOf(BRONZE_QUARANTINE).length, 1);
  });

  it('lands nothing and forgets its cached positions on a commit conflict', async () => {
    const { lake, writer } = await freshWriter();
    await writer.commit([sliceOf(0, [GOOD(0)])]);
    lake.injectConflicts(1);
    await assert.rejects(writer.commit([sliceOf(1, [GOOD(1)])]), { code: 'COMMIT_CONFLICT' });
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 1);
    assert.equal(await writer.positionOf(APP_ID), 0n);
  });
});

describe('BronzeExactlyOnce with two writers on one stream', () => {
  it('refuses the commit of a writer whose positions are older than another writer’s commit of the same stream', async () => {
    const lake = new InMemoryLake();
    const { writer: zombie } = await freshWriter(lake);
    const owner = new BronzeExactlyOnce(lake);
    assert.equal(await zombie.positionOf(APP_ID), undefined);
    assert.equal(await owner.positionOf(APP_ID), undefined);

    await owner.commit([sliceOf(0, [GOOD(0), GOOD(1)])]);
    await assert.rejects(zombie.commit([sliceOf(0, [GOOD(0), GOOD(1)])]), { code: 'COMMIT_CONFLICT' });
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 2, 'the same offsets landed once');

    assert.equal(
      await zombie.positionOf(APP_ID),
      1n,
      'after the conflict the zombie reloads the owner’s position',
    );
  });

  it('lets writers of different streams commit side by side', async () => {
    const lake = new InMemoryLake();
    const { writer: a } = await freshWriter(lake);
    const b = new BronzeExactlyOnce(lake);
    await a.positionOf(APP_ID);
    await b.positionOf('ingestor:ticks.raw:5');
    await a.commit([sliceOf(0, [GOOD(0)])]);
    await b.commit([{ ...sliceOf(0, [GOOD(1)]), appId: 'ingestor:ticks.raw:5' }]);
    assert.equal(lake.rowsOf(BRONZE_TICKS).length, 2);
  });
});
