import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isModelError } from '../errors/model-error';
import { InMemoryModelStore } from '../store/in-memory-model-store';
import { createUntrainedArtifact } from '../testing/untrained-artifact';
import { runModelsCommand } from './models-command';

describe('runModelsCommand', () => {
  it('promotes a registered version and marks it in the list', async () => {
    const store = new InMemoryModelStore();
    await store.save(await createUntrainedArtifact({ version: 'v1' }));
    await store.save(await createUntrainedArtifact({ version: 'v2' }));
    assert.deepEqual(await runModelsCommand(['promote', 'v2'], store), ['promoted v2']);
    const list = await runModelsCommand(['list'], store);
    assert.equal(list.length, 3);
    assert.ok(list.find((line) => line.startsWith('v2\t'))?.endsWith('\t*'));
    assert.ok(!list.find((line) => line.startsWith('v1\t'))?.endsWith('*'));
    assert.deepEqual(await runModelsCommand(['promoted'], store), ['v2']);
  });

  it('refuses to promote an unknown version with MODEL_NOT_FOUND', async () => {
    await assert.rejects(runModelsCommand(['promote', 'nope'], new InMemoryModelStore()), (error) =>
      isModelError(error, 'MODEL_NOT_FOUND'),
    );
  });

  it('answers an unknown command with the usage', async () => {
    await assert.rejects(runModelsCommand(['delete'], new InMemoryModelStore()), (error) =>
      isModelError(error, 'INVALID_ARGUMENT'),
    );
  });
});
