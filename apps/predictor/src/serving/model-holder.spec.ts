import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  FilesystemModelStore,
  InMemoryModelStore,
  MODEL_FILES,
  createUntrainedArtifact,
  tfjsPredictorFactory,
} from '@lakehouse/model';
import { type HolderLog, ModelHolder, type ModelHolderOptions } from './model-holder';

const OPTIONS: ModelHolderOptions = {
  backend: 'auto',
  runtime: 'tfjs',
  onnxThreads: 1,
  // The specs drive refresh() by hand; the timer must not fire during a test.
  pollMs: 3_600_000,
  storeDescription: 'memory',
  predictorFactory: tfjsPredictorFactory,
};

type LogLine = { readonly level: string } & Record<string, unknown>;

function recordingLog(): { lines: LogLine[]; log: HolderLog } {
  const lines: LogLine[] = [];
  return { lines, log: (level, fields) => void lines.push({ ...fields, level }) };
}

describe('ModelHolder', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'predictor-holder-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is not ready without a promoted model, says why in one error log, and becomes ready once one is promoted', async () => {
    const store = new InMemoryModelStore();
    const { lines, log } = recordingLog();
    const serving: string[] = [];
    const holder = new ModelHolder(store, OPTIONS, log, (version) => serving.push(version));
    await holder.start();
    assert.equal(holder.probe().up, false);
    assert.equal(holder.probe().details?.['code'], 'NO_PROMOTED_MODEL');
    await assert.rejects(
      holder.withModel(() => Promise.resolve()),
      { code: 'MODEL_NOT_READY' },
    );
    await holder.refresh();
    assert.equal(lines.filter((l) => l.level === 'error').length, 1, 'the same failure is logged once');
    assert.ok(
      lines.some((l) => l['msg'] === 'tfjs backend selected'),
      'the backend is logged at start',
    );

    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await store.promote('v1');
    await holder.refresh();
    assert.equal(holder.probe().up, true);
    assert.equal(holder.version, 'v1');
    assert.deepEqual(serving, ['v1']);
    await holder.stop();
  });

  it('reports a corrupt promoted model with MODEL_CORRUPT and stays not ready', async () => {
    const root = join(dir, 'corrupt');
    const store = new FilesystemModelStore(root);
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await store.promote('v1');
    await writeFile(join(root, 'versions', 'v1', MODEL_FILES.weights), Buffer.from([1, 2, 3]));
    const { log } = recordingLog();
    const holder = new ModelHolder(store, OPTIONS, log);
    await holder.start();
    assert.deepEqual(
      { up: holder.probe().up, code: holder.probe().details?.['code'] },
      { up: false, code: 'MODEL_CORRUPT' },
    );
    await holder.stop();
  });

  it('swaps only between batches: a batch in flight finishes on the version it started with', async () => {
    const store = new InMemoryModelStore();
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await store.save(await createUntrainedArtifact({ version: 'v2', seed: 99 }));
    await store.promote('v1');
    const { log } = recordingLog();
    const holder = new ModelHolder(store, OPTIONS, log);
    await holder.start();

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    const inFlight = holder.withModel(async (model) => {
      seen.push(model.version);
      await gate;
      seen.push(model.version);
    });
    await store.promote('v2');
    const refreshed = holder.refresh();
    const next = holder.withModel((model) => Promise.resolve(seen.push(model.version)));
    release();
    await Promise.all([inFlight, refreshed, next]);
    assert.deepEqual(seen, ['v1', 'v1', 'v2']);
    await holder.stop();
  });
});
