import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeRefinedTicks, type RefinedTickDraft, refinedTickRecords } from '@lakehouse/bus';
import {
  type FeatureConfig,
  type FeatureState,
  type LabelDefinition,
  type SilverTick,
  featureNames,
  initialFeatureState,
  labelSeries,
  modelSequence,
  stepFeatures,
} from '@lakehouse/domain';
import { DeltaLake, type SilverTickRow, silverTicksTable } from '@lakehouse/lake';
import {
  InMemoryModelStore,
  buildLabeledSequences,
  constructComponent,
  loadServingModel,
  syntheticSilverTicks,
  trainModel,
} from '@lakehouse/model';
import { SilverTrainingDataSource } from './silver-training-data-source';

const FEATURES: FeatureConfig = {
  version: 'test-features',
  returnLags: 2,
  returnWindows: [3],
  volumeWindow: 3,
  sequenceLength: 5,
  allowedLatenessUs: 60_000_000n,
};
const LABEL: LabelDefinition = {
  version: 'test-label',
  horizon: { kind: 'ticks', ticks: 3 },
  threshold: { kind: 'sigma', k: 1.5, window: 10 },
};
const SYMBOLS = ['AAA', 'BBB'];
const TICKS_PER_SYMBOL = 300;
const FIRST_COMMIT = 120;
const START_US = 1_700_000_000_000_000n;
const SPACING_US = 60_000_000n;
const ALL_TIME = { fromUs: 0n, toUs: 2_000_000_000_000_000n };
const REFINED_US = 1_800_000_000_000_000n;

/** A Silver row with its arrival position (`bronze_seq`, the refiner's stepping order). */
type SilverRow = SilverTickRow & { readonly bronzeSeq: bigint };

/** What the refiner does for one symbol: step features in arrival order, store each tick with its vector. */
function refine(
  ticks: readonly SilverTick[],
  bronzeVersion: bigint,
  state: FeatureState,
): { rows: SilverRow[]; state: FeatureState } {
  const rows: SilverRow[] = [];
  let current = state;
  for (const [seq, tick] of ticks.entries()) {
    const step = stepFeatures(current, tick, FEATURES);
    current = step.state;
    rows.push({
      eventId: tick.eventId,
      symbol: tick.symbol,
      eventTimeUs: tick.eventTimeUs,
      price: tick.price,
      volume: BigInt(tick.volume),
      tradeId: null,
      exchange: null,
      source: 'live',
      bronzeVersion,
      bronzeSeq: BigInt(seq),
      lateStatus: step.kind === 'applied' ? 'on_time' : step.kind,
      featureVersion: step.kind === 'applied' ? FEATURES.version : null,
      features: step.kind === 'applied' ? step.row.values : null,
      refinedTimeUs: REFINED_US,
    });
  }
  return { rows, state: current };
}

function seriesOf(symbol: string, seed: number): SilverTick[] {
  return syntheticSilverTicks({
    symbol,
    count: TICKS_PER_SYMBOL,
    seed,
    startUs: START_US,
    spacingUs: SPACING_US,
  });
}

async function collect(
  source: SilverTrainingDataSource,
  symbol: string,
  range = ALL_TIME,
): Promise<SilverTick[]> {
  const out: SilverTick[] = [];
  for await (const chunk of source.readSymbol(symbol, range)) out.push(...chunk);
  return out;
}

describe('SilverTrainingDataSource on a Delta silver.ticks', () => {
  let root: string;
  let lakeRoot: string;
  const series = new Map(SYMBOLS.map((s, i) => [s, seriesOf(s, 20 + i)]));
  /** One tick arriving late (behind the symbol's latest event time): the refiner does not apply it. */
  let late: SilverTick;
  /** A symbol after the refiner's late repair: one tick arrived late, and Silver holds event-time-order features. */
  const repairedSeries = seriesOf('CCC', 40);
  const REPAIRED_AT = 150;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'predictor-silver-'));
    lakeRoot = join(root, 'lake');
    const lake = new DeltaLake(lakeRoot);
    const table = silverTicksTable(featureNames(FEATURES));
    await lake.ensureTable(table);
    const states = new Map<string, FeatureState>();
    const first: SilverRow[] = [];
    const second: SilverRow[] = [];
    for (const [symbol, ticks] of series) {
      const a = refine(ticks.slice(0, FIRST_COMMIT), 1n, initialFeatureState());
      first.push(...a.rows);
      states.set(symbol, a.state);
    }
    const aaa = series.get('AAA')!;
    late = {
      ...aaa[FIRST_COMMIT - 2]!,
      eventId: 'late-AAA',
      eventTimeUs: aaa[FIRST_COMMIT - 2]!.eventTimeUs + 1n,
    };
    for (const [symbol, ticks] of series) {
      const arriving = symbol === 'AAA' ? [late, ...ticks.slice(FIRST_COMMIT)] : ticks.slice(FIRST_COMMIT);
      second.push(...refine(arriving, 2n, states.get(symbol)!).rows);
    }
    // What a late repair leaves: every CCC row stepped in event-time order; the one that arrived late (in a later
    // Bronze version, after its successors) is marked repaired.
    second.push(
      ...refine(repairedSeries, 2n, initialFeatureState()).rows.map((row, i) =>
        i === REPAIRED_AT
          ? { ...row, lateStatus: 'repaired' as const, bronzeVersion: 3n, bronzeSeq: 0n }
          : row,
      ),
    );
    await lake.append(table, first, []); // version 1
    await lake.append(table, second, []); // version 2
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('pins a table version: reads see only the rows committed up to it', async () => {
    const source = new SilverTrainingDataSource(lakeRoot, FEATURES);
    assert.equal(await source.pin(1), 1);
    assert.equal((await collect(source, 'AAA')).length, FIRST_COMMIT);
    assert.equal(await source.pin(), 2);
    assert.equal((await collect(source, 'AAA')).length, TICKS_PER_SYMBOL);
    await assert.rejects(source.pin(3), { code: 'INVALID_ARGUMENT' });
  });

  it('can be rebuilt on a training worker thread from its component reference', async () => {
    const rebuilt = constructComponent<SilverTrainingDataSource>(SilverTrainingDataSource.ref(lakeRoot));
    assert.ok(rebuilt instanceof SilverTrainingDataSource);
    assert.equal(await rebuilt.pin(), 2);
    assert.equal(rebuilt.description, 'delta:silver.ticks');
  });

  it('reads one symbol in event-time order, without late ticks, inside [from, to)', async () => {
    const source = new SilverTrainingDataSource(lakeRoot, FEATURES);
    await source.pin();
    const all = await collect(source, 'AAA');
    assert.deepEqual(
      all.map((t) => t.eventId),
      series.get('AAA')!.map((t) => t.eventId),
    );
    const from = series.get('AAA')![10]!.eventTimeUs;
    const to = series.get('AAA')![20]!.eventTimeUs;
    const ranged = await collect(source, 'AAA', { fromUs: from, toUs: to });
    assert.deepEqual(
      ranged.map((t) => t.eventId),
      series
        .get('AAA')!
        .slice(10, 20)
        .map((t) => t.eventId),
    );
    assert.ok(source.skew.get('AAA')!.compared > 0, 'the stored features were checked');
    assert.equal(source.skew.get('AAA')!.mismatched, 0);
  });

  it('reads repaired late ticks where their event time puts them, and their features check out', async () => {
    const source = new SilverTrainingDataSource(lakeRoot, FEATURES);
    await source.pin();
    const ticks = await collect(source, 'CCC');
    assert.deepEqual(
      ticks.map((t) => t.eventId),
      repairedSeries.map((t) => t.eventId),
    );
    assert.equal(source.skew.get('CCC')!.mismatched, 0);
  });

  it('builds training windows that are byte for byte the windows the stream ships on ticks.refined', async () => {
    const source = new SilverTrainingDataSource(lakeRoot, FEATURES);
    await source.pin();
    const ticks = await collect(source, 'BBB');
    const trained = buildLabeledSequences(new Map([['BBB', ticks]]), FEATURES, LABEL);

    // The stream: the refiner's state over the arriving ticks, packed and sent as the refiner sends them.
    const drafts: RefinedTickDraft[] = [];
    let state = initialFeatureState();
    for (const [n, tick] of series.get('BBB')!.entries()) {
      const step = stepFeatures(state, tick, FEATURES);
      state = step.state;
      const sequence = modelSequence(state, FEATURES);
      if (step.kind !== 'applied' || sequence === null) continue;
      drafts.push({
        eventId: n.toString(16).padStart(64, '0'),
        symbol: 'BBB',
        eventTimeUs: tick.eventTimeUs,
        price: tick.price,
        volume: tick.volume,
        tradeId: null,
        featureVersion: FEATURES.version,
        window: sequence,
      });
    }
    const shipped = new Map<string, Float32Array>();
    for (const record of refinedTickRecords(drafts, 2n)) {
      for (const tick of decodeRefinedTicks(record.value)) {
        shipped.set(tick.eventTimeUs.toString(), tick.window!.values);
      }
    }
    const size = trained.timesteps * trained.features;
    assert.ok(trained.count > 100);
    for (let i = 0; i < trained.count; i += 1) {
      const window = trained.windows.subarray(i * size, (i + 1) * size);
      const onWire = shipped.get(trained.eventTimeUs[i]!.toString());
      assert.ok(onWire, `the stream ships a window at example ${i}`);
      assert.deepEqual(
        Buffer.from(window.buffer, window.byteOffset, window.byteLength),
        Buffer.from(onWire.buffer, onWire.byteOffset, onWire.byteLength),
      );
    }
    // Labels are the domain's label series over the same ticks.
    const outcomes = new Map(
      labelSeries(series.get('BBB')!, LABEL).map((o) => [o.eventTimeUs.toString(), o.label]),
    );
    for (let i = 0; i < trained.count; i += 1) {
      assert.equal(trained.labels[i], outcomes.get(trained.eventTimeUs[i]!.toString()));
    }
  });

  it('fails with TRAINING_FAILED when the stored features differ from the recomputed ones (train/serve skew)', async () => {
    const skewedRoot = join(root, 'skewed');
    const lake = new DeltaLake(skewedRoot);
    const table = silverTicksTable(featureNames(FEATURES));
    await lake.ensureTable(table);
    const { rows } = refine(series.get('AAA')!, 1n, initialFeatureState());
    const tampered = rows.map((r, i) =>
      i === rows.length - 1 && r.features
        ? { ...r, features: r.features.map((v) => (v === null ? v : v + 1e-9)) }
        : r,
    );
    await lake.append(table, tampered, []);
    const source = new SilverTrainingDataSource(skewedRoot, FEATURES);
    await source.pin();
    await assert.rejects(collect(source, 'AAA'), {
      code: 'TRAINING_FAILED',
      message: /train\/serve skew in AAA: 1 of/,
    });
  });

  it('trains from Silver and records the pinned table version and the source in the artifact', async () => {
    const store = new InMemoryModelStore();
    const source = new SilverTrainingDataSource(lakeRoot, FEATURES);
    const options = {
      symbols: SYMBOLS,
      from: '2023-01-01T00:00:00Z',
      to: '2024-06-01T00:00:00Z',
      features: FEATURES,
      label: LABEL,
      units: 4,
      maxEpochs: 1,
      batchSize: 64,
      bootstrapResamples: 10,
    };
    const deps = { dataSource: source, store, now: () => new Date('2026-01-01T00:00:00Z') };
    const older = await trainModel(deps, { ...options, tableVersion: 1, version: 'silver-v1' });
    const trained = await trainModel(deps, {
      ...options,
      tableVersion: 2,
      version: 'silver-v2',
      promote: true,
    });
    const total = (s: { train: number; validation: number; test: number }) => s.train + s.validation + s.test;
    assert.equal(older.manifest.training.silverTableVersion, 1);
    assert.ok(total(older.manifest.training.samples) < total(trained.manifest.training.samples));
    assert.equal(trained.manifest.training.silverTableVersion, 2);
    assert.equal(trained.manifest.training.dataSource, 'delta:silver.ticks');
    assert.equal(trained.manifest.features.version, FEATURES.version);
    const serving = await loadServingModel(store, { runtime: 'tfjs' });
    assert.equal(serving.version, 'silver-v2');
    serving.dispose();
  });
});
