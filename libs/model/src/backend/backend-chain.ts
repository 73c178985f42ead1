import { ModelError } from '../errors/model-error';

/** The run-time chain, best first. `TF_BACKEND` may name one of these to skip the chain. */
export const BACKEND_CHAIN = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;

export type BackendName = (typeof BACKEND_CHAIN)[number];

/** What one step of the chain reports when asked to become the active backend. */
export type ActivationOutcome =
  | { readonly ok: true; readonly device: 'gpu' | 'cpu'; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

export type BackendActivators = Readonly<Record<BackendName, () => Promise<ActivationOutcome>>>;

/** The backend really in use, as the app logs it and puts it in a metric label. */
export interface ActiveBackend {
  readonly name: BackendName;
  /** Where the kernels really run: tfjs-node-gpu without CUDA 11.2 / cuDNN 8.1 runs on the CPU. */
  readonly device: 'gpu' | 'cpu';
  /** `name`, plus `:cpu` when a GPU build is running on the CPU; safe for a metric label. */
  readonly label: string;
  readonly requested: BackendName | 'auto';
  readonly detail: string;
  /** Earlier steps of the chain that could not be used, and why. */
  readonly skipped: ReadonlyArray<{ readonly name: BackendName; readonly reason: string }>;
}

export function isBackendName(value: string): value is BackendName {
  return (BACKEND_CHAIN as readonly string[]).includes(value);
}

/** Reads a `TF_BACKEND` value: unset or empty or `auto` means the chain. */
export function parseBackendOverride(value: string | undefined): BackendName | 'auto' {
  const trimmed = value?.trim().toLowerCase() ?? '';
  if (trimmed === '' || trimmed === 'auto') return 'auto';
  if (isBackendName(trimmed)) return trimmed;
  throw new ModelError(
    'INVALID_ARGUMENT',
    `TF_BACKEND=${value ?? ''} is not one of auto, ${BACKEND_CHAIN.join(', ')}`,
  );
}

function activeLabel(name: BackendName, device: 'gpu' | 'cpu'): string {
  return name === 'tfjs-node-gpu' && device === 'cpu' ? `${name}:cpu` : name;
}

/**
 * Walks the chain (or activates only the requested backend) and returns the first that works. An explicit request
 * never falls back: a pinned backend that cannot start is a configuration error the operator must see.
 */
export async function resolveBackend(
  requested: BackendName | 'auto',
  activators: BackendActivators,
): Promise<ActiveBackend> {
  const candidates: readonly BackendName[] = requested === 'auto' ? BACKEND_CHAIN : [requested];
  const skipped: Array<{ name: BackendName; reason: string }> = [];
  for (const name of candidates) {
    let outcome: ActivationOutcome;
    try {
      outcome = await activators[name]();
    } catch (error) {
      outcome = { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.ok) {
      return {
        name,
        device: outcome.device,
        label: activeLabel(name, outcome.device),
        requested,
        detail: outcome.detail,
        skipped,
      };
    }
    skipped.push({ name, reason: outcome.reason });
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new ModelError('BACKEND_UNAVAILABLE', `no TensorFlow.js backend could start (${reasons})`);
}
