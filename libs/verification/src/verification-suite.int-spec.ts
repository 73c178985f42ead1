import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeltaTable } from '@lakehouse/delta';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig, featureNames, type RawTick } from '@lakehouse/domain';
import {
  BRONZE_TICKS,
  type BronzeSource,
  type BronzeTickRow,
  DeltaLake,
  GOLD_PREDICTIONS,
  type GoldPredictionRow,
  SILVER_QUARANTINE,
  type SilverRejectRow,
  type SilverTickRow,
  silverTicksTable,
  toArrow,
} from '@lakehouse/lake';
import { bronzeRowEventId } from './bronze-position';
import { type CheckName, type CheckResult, verificationExitCode } from './check-result';
import { runVerification } from './verification-suite';

const SEQUENCE_LENGTH = 2;
const CONFIG: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, sequenceLength: SEQUENCE_LENGTH };
const SILVER = silverTicksTable(featureNames(CONFIG));
const FEATURES = featureNames(CONFIG).map((_, i) => i / 10);
const FIRST_US = 1_767_350_000_000_000n; // 2026-01-02
const REFINED_US = FIRST_US + 3_600_000_000n;
const NOW_US = REFINED_US + 600_000_000n;
const TICKS = 6;
const BAD_PRICE = -1;
const PROBABILITY = 0.7;

const GOLD = GOLD_PREDICTIONS;

/** A gold row with the prediction side filled (or only the outcome side, when `predicted` is false). */
function goldRow(t: RawTick, predicted = true): GoldPredictionRow {
  return {
    eventId: idOf(t),
    symbol: t.symbol,
    eventTimeUs: t.eventTimeUs,
    prediction: predicted
      ? {
          price: t.price,
          probability: PROBABILITY,
          predictedLabel: 1,
          threshold: 0.5,
          modelVersion: 'm1',
          backend: 'test',
          modelLabelVersion: 'labels-v1',
          silverVersion: 1n,
          predictedTimeUs: REFINED_US,
        }
      : null,
    outcome: predicted
      ? null
      : {
          realizedReturn: 0.01,
          actualLabel: 1,
          labelThreshold: 0.005,
          labelVersion: 'labels-v1',
          horizonEventId: idOf(t),
          outcomeSilverVersion: 1n,
          resolvedTimeUs: REFINED_US,
        },
  };
}

function tick(i: number, price = 100 + i): RawTick {
  return {
    schemaVersion: 1,
    symbol: 'AAPL',
    price,
    volume: 10,
    eventTimeUs: FIRST_US + BigInt(i) * 1_000_000n,
  };
}

function live(offset: number): BronzeSource {
  return { kind: 'live', topic: 'ticks.raw', partition: 0, offset: BigInt(offset) };
}

function bronzeRow(t: RawTick, source: BronzeSource): BronzeTickRow {
  return { tick: t, rawPayload: '{}', ingestTimeUs: t.eventTimeUs, source };
}

function idOf(t: RawTick): string {
  return bronzeRowEventId({ ...t, tradeId: t.tradeId ?? null });
}

function silverRow(t: RawTick, seq = 0): SilverTickRow {
  // Built as a variable, not returned as a literal: `bronzeSeq` is new in the Silver table definition.
  const row = {
    eventId: idOf(t),
    symbol: t.symbol,
    eventTimeUs: t.eventTimeUs,
    price: t.price,
    volume: BigInt(t.volume),
    tradeId: null,
    exchange: null,
    source: 'live',
    bronzeVersion: 1n,
    bronzeSeq: BigInt(seq),
    lateStatus: 'on_time' as const,
    featureVersion: CONFIG.version,
    features: FEATURES,
    refinedTimeUs: REFINED_US,
  };
  return row;
}

function reject(t: RawTick, offset: number): SilverRejectRow {
  return {
    symbol: t.symbol,
    eventTimeUs: t.eventTimeUs,
    price: t.price,
    volume: t.volume,
    source: 'live',
    bronzeVersion: 1n,
    reasonCodes: 'PRICE_NOT_POSITIVE',
    reasonMessages: 'price -1 is not > 0',
    kafkaTopic: 'ticks.raw',
    kafkaPartition: 0,
    kafkaOffset: BigInt(offset),
    fileRecord: null,
    refinedTimeUs: REFINED_US,
  };
}

function find(results: readonly CheckResult[], check: CheckName, table: string): CheckResult {
  const found = results.find((r) => r.check === check && r.table === table);
  assert.ok(found, `no ${check} result for ${table}`);
  return found;
}

describe('runVerification', () => {
  let root: string;
  let lake: DeltaLake;
  const verify = (overrides = {}): Promise<CheckResult[]> =>
    runVerification({ lakeRoot: root, featureConfig: CONFIG, nowUs: NOW_US, ...overrides });
  const good = Array.from({ length: TICKS }, (_, i) => tick(i));
  const bad = tick(TICKS, BAD_PRICE);

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'verification-'));
    lake = new DeltaLake(root);
    for (const table of [BRONZE_TICKS, SILVER, SILVER_QUARANTINE, GOLD]) await lake.ensureTable(table);
    // Bronze: every good tick once, the first one twice (a redelivery), and one invalid price.
    const bronzeRows = [...good.map((t, i) => bronzeRow(t, live(i))), bronzeRow(good[0]!, live(TICKS + 1))];
    bronzeRows.push(bronzeRow(bad, live(TICKS)));
    await lake.append(BRONZE_TICKS, bronzeRows, []);
    await lake.merge(
      SILVER,
      good.map((t, i) => silverRow(t, i)),
      { keys: ['event_id'], whenMatched: 'ignore', whenNotMatched: 'insert' },
      [],
    );
    await lake.append(SILVER_QUARANTINE, [reject(bad, TICKS)], []);
    // With L = 2 every tick from the second on has a window.
    await lake.append(
      GOLD,
      good.slice(1).map((t) => goldRow(t)),
      [],
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('passes a consistent lake and exits 0', async () => {
    const results = await verify();
    assert.deepEqual(
      results.filter((r) => !r.ok),
      [],
    );
    assert.equal(verificationExitCode(results), 0);
    const accounting = find(results, 'bronze_silver_accounting', 'bronze.ticks→silver.ticks');
    assert.match(accounting.detail, /7 in silver \(1 bronze duplicates\), 1 quarantined, 0 unaccounted/);
    assert.equal(find(results, 'time_travel', 'silver.ticks').skipped, false);
  });

  it('skips, and does not fail, checks whose tables do not exist', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'verification-empty-'));
    try {
      const results = await runVerification({ lakeRoot: empty });
      assert.ok(results.length > 0 && results.every((r) => r.skipped && r.ok));
      assert.equal(verificationExitCode(results), 0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('flags a Bronze row neither in Silver nor quarantined', async () => {
    const lost = tick(TICKS + 5);
    await lake.append(BRONZE_TICKS, [bronzeRow(lost, live(TICKS + 5))], []);
    const results = await verify({ bronzeVersion: 2 });
    const accounting = find(results, 'bronze_silver_accounting', 'bronze.ticks→silver.ticks');
    assert.equal(accounting.ok, false);
    assert.equal(accounting.violations, 1);
    assert.deepEqual(accounting.samples, [`kafka:ticks.raw:0:${TICKS + 5} ${idOf(lost)}`]);
    // Without an explicit version the check stops at what Silver has refined (bronze v1), so it still passes.
    assert.equal(find(await verify(), 'bronze_silver_accounting', 'bronze.ticks→silver.ticks').ok, true);
  });

  it('flags a Silver event with a complete window but no prediction, once past the grace period', async () => {
    const unpredicted = tick(TICKS + 1);
    await lake.merge(
      SILVER,
      [silverRow(unpredicted, TICKS + 1)],
      { keys: ['event_id'], whenMatched: 'ignore', whenNotMatched: 'insert' },
      [],
    );
    // Its outcome arrived first: a gold row without the prediction side does not count as predicted.
    await lake.append(GOLD, [goldRow(unpredicted, false)], []);
    const completeness = find(await verify(), 'gold_completeness', 'silver.ticks→gold.predictions');
    assert.equal(completeness.violations, 1);
    assert.deepEqual(completeness.samples, [idOf(unpredicted)]);
    const early = await verify({ nowUs: REFINED_US });
    assert.equal(find(early, 'gold_completeness', 'silver.ticks→gold.predictions').ok, true);
  });

  it('catches a duplicate appended around MERGE, and an invalid price, and exits non-zero', async () => {
    const dup = silverRow(good[2]!);
    const delta = await DeltaTable.open(join(root, SILVER.path));
    await delta.append(toArrow(SILVER, [dup, { ...silverRow(tick(TICKS + 2, 0)) }]));
    const results = await verify();
    const duplicates = find(results, 'duplicate_event_ids', 'silver.ticks');
    assert.equal(duplicates.violations, 1);
    assert.deepEqual(duplicates.samples, [dup.eventId]);
    assert.equal(find(results, 'valid_prices', 'silver.ticks').violations, 1);
    assert.equal(find(results, 'duplicate_event_ids', 'gold.predictions').ok, true);
    assert.equal(verificationExitCode(results), 1);
  });

  it('fails the time-travel check once version N−1 has lost its files', async () => {
    const gold = await DeltaTable.open(join(root, GOLD.path));
    await gold.overwrite(toArrow(GOLD, [goldRow(tick(TICKS + 9))]));
    assert.equal(find(await verify({ checks: ['time_travel'] }), 'time_travel', 'gold.predictions').ok, true);
    await gold.vacuum({ retentionHours: 0, enforceRetention: false });
    const travel = find(await verify({ checks: ['time_travel'] }), 'time_travel', 'gold.predictions');
    assert.equal(travel.ok, false);
    assert.match(travel.detail, /unreadable/);
  });
});
