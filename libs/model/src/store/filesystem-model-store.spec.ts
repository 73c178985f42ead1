import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isModelError } from '../errors/model-error';
import { createUntrainedArtifact } from '../testing/untrained-artifact';
import { FilesystemModelStore, MODEL_FILES } from './filesystem-model-store';
import { modelStoreContract } from './model-store.contract';

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'model-store-'));
  roots.push(root);
  return root;
}
after(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describe('FilesystemModelStore', () => {
  modelStoreContract(async () => new FilesystemModelStore(await freshRoot()));

  it('detects a weights file changed after registration as MODEL_CORRUPT', async () => {
    const root = await freshRoot();
    const store = new FilesystemModelStore(root);
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    const weightsPath = join(root, 'versions', 'v1', MODEL_FILES.weights);
    const weights = await readFile(weightsPath);
    await writeFile(weightsPath, weights.subarray(0, weights.length - 8));
    await assert.rejects(store.load('v1'), (error) => isModelError(error, 'MODEL_CORRUPT'));
  });

  it('detects a missing file as MODEL_CORRUPT, not as a missing version', async () => {
    const root = await freshRoot();
    const store = new FilesystemModelStore(root);
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await rm(join(root, 'versions', 'v1', MODEL_FILES.model));
    await assert.rejects(store.load('v1'), (error) => isModelError(error, 'MODEL_CORRUPT'));
  });

  it('refuses version names that could escape its directory', async () => {
    const store = new FilesystemModelStore(await freshRoot());
    await assert.rejects(store.load('../etc'), (error) => isModelError(error, 'INVALID_ARGUMENT'));
  });

  it('reads a promoted pointer written by another process', async () => {
    const root = await freshRoot();
    await new FilesystemModelStore(root).save(await createUntrainedArtifact({ version: 'v1' }));
    await new FilesystemModelStore(root).promote('v1');
    assert.equal(await new FilesystemModelStore(root).promotedVersion(), 'v1');
  });
});
