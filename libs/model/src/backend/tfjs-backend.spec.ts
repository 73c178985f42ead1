import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isModelError } from '../errors/model-error';
import { tf } from '../tf';
import { BACKEND_CHAIN } from './backend-chain';
import { initBackend, wasmBinaryDirectory } from './tfjs-backend';

/** The TF.js engine's name for each chain step. */
const ENGINE_NAME = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
} as const;

describe('initBackend', () => {
  it('activates the first usable step of the chain and records why each earlier step was skipped', async () => {
    const active = await initBackend();
    assert.equal(tf.getBackend(), ENGINE_NAME[active.name]);
    const position = BACKEND_CHAIN.indexOf(active.name);
    assert.deepEqual(
      active.skipped.map((s) => s.name),
      BACKEND_CHAIN.slice(0, position),
    );
    for (const skipped of active.skipped) assert.notEqual(skipped.reason, '');
  });

  it('returns the same backend to every later caller', async () => {
    assert.equal(await initBackend(), await initBackend({ override: 'auto' }));
  });

  it('refuses to switch the process to another backend once one is active', async () => {
    const active = await initBackend();
    const other = active.name === 'cpu' ? 'wasm' : 'cpu';
    await assert.rejects(initBackend({ override: other }), (error) =>
      isModelError(error, 'INVALID_ARGUMENT'),
    );
  });

  it('loads the wasm binaries from the npm package on disk, not from a CDN', () => {
    assert.ok(existsSync(join(wasmBinaryDirectory(), 'tfjs-backend-wasm.wasm')));
  });
});
