import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Prediction, type TickOutcome } from '@lakehouse/bus';
import { DeltaTable } from '@lakehouse/delta';
import { DeltaLake, GOLD_ACCURACY, GOLD_PREDICTIONS, isCommitConflict } from '@lakehouse/lake';
import { GoldAccuracyJob } from './gold-accuracy.job';
import { goldAppId, GoldExactlyOnce } from './gold-exactly-once';
import { GoldReader } from './gold-reader';
import { outcomeRow, predictionRow } from './gold-rows';

const PREDICTIONS_TOPIC = 'signals.predictions';
const OUTCOMES_TOPIC = 'ticks.outcomes';
const EVENT_TIME_US = 1_704_207_600_000_000n;
const RESOLVED_US = 1_704_207_700_000_000n;
const MODEL = 'gru-v1';

const idOf = (n: number): string => n.toString(16).padStart(64, '0');

function prediction(n: number, predictedLabel: 0 | 1 = 1): Prediction {
  return {
    schemaVersion: 1,
    kind: 'prediction',
    eventId: idOf(n),
    symbol: n % 2 === 0 ? 'SPX' : 'DJI',
    eventTimeUs: String(EVENT_TIME_US + BigInt(n)),
    price: 100 + n,
    probability: predictedLabel === 1 ? 0.8 : 0.2,
    predictedLabel,
    threshold: 0.5,
    modelVersion: MODEL,
    backend: 'onnx-cpu',
    labelVersion: 'jump-v1',
    silverVersion: '7',
    inferenceLatencyMs: 3,
    producedAt: '2024-01-02T15:00:00.000Z',
  };
}

function outcome(n: number, label: 0 | 1 = 1): TickOutcome {
  return {
    schemaVersion: 1,
    eventId: idOf(n),
    symbol: n % 2 === 0 ? 'SPX' : 'DJI',
    eventTimeUs: String(EVENT_TIME_US + BigInt(n)),
    horizonEventId: idOf(n + 1000),
    realizedReturn: label === 1 ? 0.01 : 0,
    threshold: 0.005,
    label,
    labelVersion: 'jump-v1',
    silverVersion: '9',
  };
}

interface GoldRow {
  event_id: string;
  model_version: string | null;
  actual_label: number | null;
  predicted_label: number | null;
  silver_version: bigint | null;
  outcome_silver_version: bigint | null;
}

async function goldRows(lake: DeltaLake): Promise<GoldRow[]> {
  const table = await (await DeltaTable.open(lake.uriOf(GOLD_PREDICTIONS))).toArrow();
  return table
    .toArray()
    .map((r) => (r as { toJSON(): GoldRow }).toJSON())
    .sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
}

describe('GoldExactlyOnce on Delta tables', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'gold-int-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function writerAt(dir: string): Promise<{ lake: DeltaLake; gold: GoldExactlyOnce }> {
    const lake = new DeltaLake(join(root, dir));
    const gold = new GoldExactlyOnce(lake);
    await gold.ensureTables();
    return { lake, gold };
  }

  it('joins a prediction and its outcome into one row whichever arrives first', async () => {
    const { lake, gold } = await writerAt('both-orders');
    await gold.commitSide('prediction', {
      appId: goldAppId(PREDICTIONS_TOPIC, 0),
      lastPosition: 0n,
      rows: [predictionRow(prediction(1))],
    });
    await gold.commitSide('outcome', {
      appId: goldAppId(OUTCOMES_TOPIC, 0),
      lastPosition: 0n,
      rows: [outcomeRow(outcome(1, 0), RESOLVED_US), outcomeRow(outcome(2, 1), RESOLVED_US)],
    });
    await gold.commitSide('prediction', {
      appId: goldAppId(PREDICTIONS_TOPIC, 0),
      lastPosition: 1n,
      rows: [predictionRow(prediction(2))],
    });
    const rows = await goldRows(lake);
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.equal(row.model_version, MODEL, 'prediction side landed');
      assert.notEqual(row.actual_label, null, 'outcome side landed');
      assert.equal(row.silver_version, 7n);
      assert.equal(row.outcome_silver_version, 9n);
    }
    assert.deepEqual(
      rows.map((r) => r.actual_label),
      [0, 1],
    );
  });

  it('keeps one row per event when a slice is replayed, and stores positions a fresh writer reads back', async () => {
    const { lake, gold } = await writerAt('replay');
    const slice = {
      appId: goldAppId(PREDICTIONS_TOPIC, 3),
      lastPosition: 41n,
      rows: [predictionRow(prediction(5)), predictionRow(prediction(6)), predictionRow(prediction(5))],
    };
    await gold.commitSide('prediction', slice);
    await gold.commitSide('prediction', { ...slice, lastPosition: 42n });
    assert.equal((await goldRows(lake)).length, 2);
    const fresh = new GoldExactlyOnce(new DeltaLake(join(root, 'replay')));
    assert.equal(await fresh.positionOf('predictions', goldAppId(PREDICTIONS_TOPIC, 3)), 42n);
    assert.equal(await fresh.positionOf('predictions', goldAppId(OUTCOMES_TOPIC, 3)), undefined);
  });

  it('advances the position of a slice with nothing to write', async () => {
    const { gold } = await writerAt('empty');
    await gold.commitSide('outcome', { appId: goldAppId(OUTCOMES_TOPIC, 1), lastPosition: 9n, rows: [] });
    const fresh = new GoldExactlyOnce(new DeltaLake(join(root, 'empty')));
    assert.equal(await fresh.positionOf('predictions', goldAppId(OUTCOMES_TOPIC, 1)), 9n);
  });

  it('refuses, as COMMIT_CONFLICT, a zombie writer covering a partition another writer committed since', async () => {
    const { lake, gold: zombie } = await writerAt('zombie');
    const owner = new GoldExactlyOnce(new DeltaLake(join(root, 'zombie')));
    const appId = goldAppId(PREDICTIONS_TOPIC, 2);
    await zombie.positionOf('predictions', appId);
    await owner.positionOf('predictions', appId);
    await owner.commitSide('prediction', { appId, lastPosition: 3n, rows: [predictionRow(prediction(10))] });
    await assert.rejects(
      zombie.commitSide('prediction', { appId, lastPosition: 3n, rows: [predictionRow(prediction(10))] }),
      (error: unknown) => isCommitConflict(error),
    );
    assert.equal((await goldRows(lake)).length, 1);
    // After the conflict the zombie reloads and sees the owner's position.
    assert.equal(await zombie.positionOf('predictions', appId), 3n);
  });

  it('never doubles an event when two writers insert its two sides concurrently: the stale one conflicts', async () => {
    const { lake, gold: predictions } = await writerAt('two-writers');
    const outcomes = new GoldExactlyOnce(new DeltaLake(join(root, 'two-writers')));
    const predictionId = goldAppId(PREDICTIONS_TOPIC, 0);
    const outcomeId = goldAppId(OUTCOMES_TOPIC, 0);
    // Both read their positions at the same version, then the outcome side commits first.
    await predictions.positionOf('predictions', predictionId);
    await outcomes.positionOf('predictions', outcomeId);
    await outcomes.commitSide('outcome', {
      appId: outcomeId,
      lastPosition: 0n,
      rows: [outcomeRow(outcome(20), RESOLVED_US)],
    });
    const stale = predictions.commitSide('prediction', {
      appId: predictionId,
      lastPosition: 0n,
      rows: [predictionRow(prediction(20))],
    });
    let conflicted = false;
    try {
      await stale;
    } catch (error) {
      assert.ok(isCommitConflict(error), String(error));
      conflicted = true;
      // What the transport does next: reload positions (and the read version), then write the batch again.
      await predictions.commitSide('prediction', {
        appId: predictionId,
        lastPosition: 0n,
        rows: [predictionRow(prediction(20))],
      });
    }
    const rows = await goldRows(lake);
    assert.equal(conflicted, true, 'the merge planned on the stale snapshot must not commit');
    assert.equal(rows.length, 1, 'one row for the event');
    assert.equal(rows[0]!.model_version, MODEL);
    assert.equal(rows[0]!.actual_label, 1);
  });

  it('computes gold.accuracy from resolved rows only, per model version and symbol and overall', async () => {
    const { lake, gold } = await writerAt('accuracy');
    const rows = [1, 2, 3, 4].map((n) => predictionRow(prediction(n, n <= 2 ? 1 : 0)));
    await gold.commitSide('prediction', { appId: goldAppId(PREDICTIONS_TOPIC, 0), lastPosition: 3n, rows });
    // Event 4 stays unresolved: it must not count.
    await gold.commitSide('outcome', {
      appId: goldAppId(OUTCOMES_TOPIC, 0),
      lastPosition: 2n,
      rows: [1, 2, 3].map((n) => outcomeRow(outcome(n, n === 1 ? 1 : 0), RESOLVED_US)),
    });
    const job = new GoldAccuracyJob(lake, new GoldReader(join(root, 'accuracy')), 100);
    await job.ensureTable();
    const written = await job.recompute(new Date('2024-01-02T16:00:00Z'));
    const overall = written.find((r) => r.scope === '*');
    assert.ok(overall);
    assert.equal(overall.n, 3);
    // predicted 1,1,0 vs actual 1,0,0: two right of three; majority class 0 is right twice too.
    assert.equal(overall.accuracy, 2 / 3);
    assert.equal(overall.baselineAccuracy, 2 / 3);
    assert.deepEqual(written.map((r) => r.scope).sort(), ['*', 'DJI', 'SPX']);
    const accuracyVersion = await lake.latestVersion(GOLD_ACCURACY);
    assert.deepEqual(await job.recompute(new Date()), [], 'nothing new at the same gold.predictions version');
    assert.equal(await lake.latestVersion(GOLD_ACCURACY), accuracyVersion);
  });
});
