import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import {
  ActivationOutcome,
  ActiveBackend,
  BackendActivators,
  BackendName,
  parseBackendOverride,
  resolveBackend,
} from './backend-chain';
import { cudaLibrariesMapped, runsOnGpu } from './cuda-detection.util';
import { shimNodeUtilForTfjsNode } from './node-util.shim';
import { ModelError } from '../errors/model-error';

/** Device nodes or driver entries that mean an NVIDIA GPU is attached to this container. */
const NVIDIA_DEVICE_PATHS = ['/dev/nvidia0', '/proc/driver/nvidia/gpus'];
const PROC_SELF_MAPS = '/proc/self/maps';
/** The native bindings register themselves under this TF.js backend name. */
const TENSORFLOW_BACKEND = 'tensorflow';

export interface BackendOptions {
  /** `TF_BACKEND` as read from the environment: `auto` (default) or one of {@link BACKEND_CHAIN}. */
  readonly override?: string;
  /** Receives one structured event when the backend is chosen. */
  readonly log?: (event: Record<string, unknown>) => void;
}

function resolvable(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

function warmUp(): void {
  tf.tidy(() => tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])).dataSync());
}

async function activateNative(pkg: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu'): Promise<void> {
  shimNodeUtilForTfjsNode();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional dependency, loaded only when chosen
  require(pkg);
  if (!(await tf.setBackend(TENSORFLOW_BACKEND))) throw new Error(`${pkg} did not register a backend`);
  warmUp();
}

async function activateGpu(): Promise<ActivationOutcome> {
  if (!NVIDIA_DEVICE_PATHS.some((path) => existsSync(path)))
    return { ok: false, reason: 'no NVIDIA GPU visible' };
  if (!resolvable('@tensorflow/tfjs-node-gpu'))
    return { ok: false, reason: '@tensorflow/tfjs-node-gpu not installed' };
  await activateNative('@tensorflow/tfjs-node-gpu');
  const mapping = cudaLibrariesMapped(existsSync(PROC_SELF_MAPS) ? readFileSync(PROC_SELF_MAPS, 'utf8') : '');
  return runsOnGpu(mapping)
    ? { ok: true, device: 'gpu', detail: 'CUDA runtime and cuDNN loaded' }
    : {
        ok: true,
        device: 'cpu',
        detail: `GPU build loaded but CUDA not in use (driver=${mapping.driver} cudart=${mapping.runtime} cudnn=${mapping.cudnn}); needs CUDA 11.2 + cuDNN 8.1`,
      };
}

async function activateCpuNative(): Promise<ActivationOutcome> {
  if (!resolvable('@tensorflow/tfjs-node'))
    return { ok: false, reason: '@tensorflow/tfjs-node not installed' };
  await activateNative('@tensorflow/tfjs-node');
  return { ok: true, device: 'cpu', detail: 'libtensorflow (CPU)' };
}

/** The .wasm binaries ship inside the npm package: point the loader at them on disk, never at a CDN. */
export function wasmBinaryDirectory(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

async function activateWasm(): Promise<ActivationOutcome> {
  setWasmPaths(wasmBinaryDirectory());
  if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'wasm backend failed to initialise' };
  warmUp();
  return { ok: true, device: 'cpu', detail: `wasm from ${wasmBinaryDirectory()}` };
}

async function activateCpu(): Promise<ActivationOutcome> {
  if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'cpu backend failed to initialise' };
  return { ok: true, device: 'cpu', detail: 'plain JavaScript kernels' };
}

const REAL_ACTIVATORS: BackendActivators = {
  'tfjs-node-gpu': activateGpu,
  'tfjs-node': activateCpuNative,
  wasm: activateWasm,
  cpu: activateCpu,
};

let active: Promise<ActiveBackend> | undefined;

/**
 * Chooses the TF.js backend once per process: tfjs-node-gpu (installed and a CUDA GPU present) → tfjs-node →
 * wasm → cpu, or exactly the one `TF_BACKEND` names. Later calls return the same backend; a different override
 * after the first call is an error, since kernels and loaded models belong to one engine.
 *
 * @throws ModelError `BACKEND_UNAVAILABLE` when nothing (or not the pinned backend) can start, `INVALID_ARGUMENT`
 *   for an unknown `TF_BACKEND`.
 */
export async function initBackend(options: BackendOptions = {}): Promise<ActiveBackend> {
  const requested = parseBackendOverride(options.override);
  if (active === undefined) {
    active = resolveBackend(requested, REAL_ACTIVATORS).then((backend) => {
      options.log?.({
        msg: 'tfjs backend selected',
        backend: backend.label,
        device: backend.device,
        requested: backend.requested,
        detail: backend.detail,
        skipped: backend.skipped,
      });
      return backend;
    });
    active.catch(() => {
      active = undefined;
    });
  }
  const backend = await active;
  if (requested !== 'auto' && requested !== backend.name) {
    throw new ModelError(
      'INVALID_ARGUMENT',
      `backend ${backend.name} is already active in this process; cannot switch to ${requested}`,
    );
  }
  return backend;
}

/** The backend chosen by {@link initBackend}, if it has run. */
export async function activeBackend(): Promise<ActiveBackend | undefined> {
  return active === undefined ? undefined : active.catch(() => undefined);
}

export type { BackendName };
