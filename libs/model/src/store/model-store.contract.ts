import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isModelError } from '../errors/model-error';
import { createUntrainedArtifact } from '../testing/untrained-artifact';
import { ModelStore } from './model-store.port';

/** The behaviour every {@link ModelStore} adapter must have; each adapter's spec runs it. */
export function modelStoreContract(makeStore: () => Promise<ModelStore>): void {
  it('loads back exactly the artifact it saved', async () => {
    const store = await makeStore();
    const artifact = await createUntrainedArtifact({ version: 'v1' });
    await store.save(artifact);
    const loaded = await store.load('v1');
    assert.deepEqual(loaded.manifest, artifact.manifest);
    assert.deepEqual(loaded.evaluation, artifact.evaluation);
    assert.equal(loaded.reportMarkdown, artifact.reportMarkdown);
    assert.deepEqual(loaded.network.modelJson, artifact.network.modelJson);
    assert.deepEqual([...loaded.network.weights], [...artifact.network.weights]);
  });

  it('refuses to overwrite a registered version', async () => {
    const store = await makeStore();
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await assert.rejects(store.save(await createUntrainedArtifact({ version: 'v1', seed: 99 })), (error) =>
      isModelError(error, 'INVALID_ARGUMENT'),
    );
  });

  it('answers MODEL_NOT_FOUND for a version never saved', async () => {
    const store = await makeStore();
    await assert.rejects(store.load('missing'), (error) => isModelError(error, 'MODEL_NOT_FOUND'));
  });

  it('has no promoted version until one is promoted, then names it', async () => {
    const store = await makeStore();
    assert.equal(await store.promotedVersion(), null);
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await store.save(await createUntrainedArtifact({ version: 'v2' }));
    await store.promote('v2');
    assert.equal(await store.promotedVersion(), 'v2');
    await store.promote('v1');
    assert.equal(await store.promotedVersion(), 'v1');
  });

  it('refuses to promote an unregistered version and keeps the pointer where it was', async () => {
    const store = await makeStore();
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await store.promote('v1');
    await assert.rejects(store.promote('v9'), (error) => isModelError(error, 'MODEL_NOT_FOUND'));
    assert.equal(await store.promotedVersion(), 'v1');
  });

  it('lists every registered version', async () => {
    const store = await makeStore();
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await store.save(await createUntrainedArtifact({ version: 'v2' }));
    assert.deepEqual((await store.list()).map((m) => m.version).sort(), ['v1', 'v2']);
  });
}
