import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isModelError } from '../errors/model-error';
import {
  ActivationOutcome,
  BackendActivators,
  BackendName,
  parseBackendOverride,
  resolveBackend,
} from './backend-chain';

const WORKS_ON_CPU: ActivationOutcome = { ok: true, device: 'cpu', detail: 'ok' };
const WORKS_ON_GPU: ActivationOutcome = { ok: true, device: 'gpu', detail: 'ok' };
const NOT_INSTALLED: ActivationOutcome = { ok: false, reason: 'not installed' };

function activators(
  outcomes: Partial<Record<BackendName, ActivationOutcome>>,
  calls: string[],
): BackendActivators {
  const make = (name: BackendName) => () => {
    calls.push(name);
    return Promise.resolve(outcomes[name] ?? NOT_INSTALLED);
  };
  return {
    'tfjs-node-gpu': make('tfjs-node-gpu'),
    'tfjs-node': make('tfjs-node'),
    wasm: make('wasm'),
    cpu: make('cpu'),
  };
}

describe('resolveBackend', () => {
  it('takes tfjs-node-gpu first when it runs on a GPU', async () => {
    const calls: string[] = [];
    const active = await resolveBackend(
      'auto',
      activators({ 'tfjs-node-gpu': WORKS_ON_GPU, cpu: WORKS_ON_CPU }, calls),
    );
    assert.equal(active.name, 'tfjs-node-gpu');
    assert.equal(active.label, 'tfjs-node-gpu');
    assert.deepEqual(calls, ['tfjs-node-gpu']);
  });

  it('falls through the chain to wasm when neither native binding is installed, recording why', async () => {
    const calls: string[] = [];
    const active = await resolveBackend('auto', activators({ wasm: WORKS_ON_CPU, cpu: WORKS_ON_CPU }, calls));
    assert.equal(active.name, 'wasm');
    assert.deepEqual(calls, ['tfjs-node-gpu', 'tfjs-node', 'wasm']);
    assert.deepEqual(
      active.skipped.map((s) => s.name),
      ['tfjs-node-gpu', 'tfjs-node'],
    );
  });

  it('labels a GPU build that silently runs on the CPU truthfully', async () => {
    const active = await resolveBackend('auto', activators({ 'tfjs-node-gpu': WORKS_ON_CPU }, []));
    assert.equal(active.device, 'cpu');
    assert.equal(active.label, 'tfjs-node-gpu:cpu');
  });

  it('treats an activator that throws as a skipped step, not a crash', async () => {
    const throwing: BackendActivators = {
      ...activators({ cpu: WORKS_ON_CPU }, []),
      'tfjs-node': () => Promise.reject(new TypeError('util.isNullOrUndefined is not a function')),
    };
    const active = await resolveBackend('auto', throwing);
    assert.equal(active.name, 'cpu');
    assert.match(active.skipped.find((s) => s.name === 'tfjs-node')?.reason ?? '', /isNullOrUndefined/);
  });

  it('activates only the pinned backend and never falls back from it', async () => {
    const calls: string[] = [];
    await assert.rejects(resolveBackend('tfjs-node', activators({ cpu: WORKS_ON_CPU }, calls)), (error) =>
      isModelError(error, 'BACKEND_UNAVAILABLE'),
    );
    assert.deepEqual(calls, ['tfjs-node']);
  });
});

describe('parseBackendOverride', () => {
  it('reads unset, empty and auto as the chain', () => {
    assert.equal(parseBackendOverride(undefined), 'auto');
    assert.equal(parseBackendOverride(''), 'auto');
    assert.equal(parseBackendOverride('AUTO'), 'auto');
  });

  it('accepts a backend name in any case', () => {
    assert.equal(parseBackendOverride(' WASM '), 'wasm');
  });

  it('rejects an unknown name with INVALID_ARGUMENT', () => {
    assert.throws(
      () => parseBackendOverride('webgl'),
      (error) => isModelError(error, 'INVALID_ARGUMENT'),
    );
  });
});
