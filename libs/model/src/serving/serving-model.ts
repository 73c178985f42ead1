import { ModelArtifact } from '../artifact/model-artifact';
import { ModelManifest } from '../artifact/model-manifest';
import { deserializeNetwork } from '../artifact/network.codec';
import { ActiveBackend } from '../backend/backend-chain';
import { BackendOptions, initBackend } from '../backend/tfjs-backend';
import { ModelError } from '../errors/model-error';
import { scoreBatch } from '../inference/score-batch';
import { InputRejectCode } from '../inference/window-validation';
import { TfjsWindowPredictor, WindowPredictor } from '../inference/window-predictor';
import { ModelStore } from '../store/model-store.port';
import {
  OnnxSessionOptions,
  createOnnxPredictorFactory,
  onnxRuntimeAvailable,
} from '../onnx/onnx-window-predictor';

/** Builds the runtime for one artifact; the default is the TF.js model itself. */
export type PredictorFactory = (artifact: ModelArtifact) => Promise<WindowPredictor>;

export const tfjsPredictorFactory: PredictorFactory = async (artifact) => {
  const { timesteps, features } = artifact.manifest.network;
  return new TfjsWindowPredictor(await deserializeNetwork(artifact.network), timesteps, features);
};

/** Which runtime computes predictions: TF.js itself, or the same weights exported to onnxruntime's CPU kernels. */
export const SERVING_RUNTIMES = ['auto', 'tfjs', 'onnx'] as const;
export type ServingRuntime = (typeof SERVING_RUNTIMES)[number];

/** Reads a runtime setting (e.g. `MODEL_RUNTIME`); unset means `auto`. */
export function parseServingRuntime(value: string | undefined): ServingRuntime {
  const trimmed = value?.trim().toLowerCase() ?? '';
  if (trimmed === '') return 'auto';
  if ((SERVING_RUNTIMES as readonly string[]).includes(trimmed)) return trimmed as ServingRuntime;
  throw new ModelError(
    'INVALID_ARGUMENT',
    `model runtime ${value ?? ''} is not one of ${SERVING_RUNTIMES.join(', ')}`,
  );
}

/**
 * `auto`: TF.js when its backend runs on a GPU; otherwise onnxruntime when it loads (its CPU GRU kernel is an
 * order of magnitude faster than TF.js wasm; a spec proves the outputs equal to 1e-5), else TF.js.
 */
export function choosePredictorFactory(
  runtime: ServingRuntime,
  backend: ActiveBackend,
  onnx: OnnxSessionOptions = {},
): PredictorFactory {
  switch (runtime) {
    case 'tfjs':
      return tfjsPredictorFactory;
    case 'onnx':
      if (!onnxRuntimeAvailable()) {
        throw new ModelError('BACKEND_UNAVAILABLE', 'onnxruntime-node cannot load');
      }
      return createOnnxPredictorFactory(onnx);
    case 'auto':
      return backend.device === 'cpu' && onnxRuntimeAvailable()
        ? createOnnxPredictorFactory(onnx)
        : tfjsPredictorFactory;
  }
}

export interface ServingModelOptions {
  /** `TF_BACKEND` and a logger for the backend choice; see {@link initBackend}. */
  readonly backend?: BackendOptions;
  /** Default `auto`; see {@link choosePredictorFactory}. Ignored when `predictorFactory` is given. */
  readonly runtime?: ServingRuntime;
  /** onnxruntime session settings when it serves (threads). */
  readonly onnx?: OnnxSessionOptions;
  readonly predictorFactory?: PredictorFactory;
  /** How often, at most, a batch boundary re-reads the promoted pointer (default 1 s; 0 = every batch). */
  readonly pointerCheckIntervalMs?: number;
  /** Monotonic milliseconds; injectable for tests. */
  readonly now?: () => number;
  readonly log?: (event: Record<string, unknown>) => void;
}

/** One scored row: the probability, or why the window was refused. */
export interface RowReject {
  readonly index: number;
  readonly code: InputRejectCode;
  readonly reason: string;
}

/** What one batch was scored with: the same version, backend and threshold for every row. */
export interface BatchProvenance {
  readonly modelVersion: string;
  readonly labelVersion: string;
  /** The backend label really in use (e.g. `wasm`, `tfjs-node-gpu:cpu`), plus the runtime when not TF.js. */
  readonly backend: string;
  readonly threshold: number;
}

export type ServedBatch =
  | (BatchProvenance & {
      readonly ok: true;
      /** P(jump) per window, in input order; NaN where the window was rejected. */
      readonly probabilities: Float32Array;
      /** 1 where probability ≥ threshold. */
      readonly jumps: Uint8Array;
      readonly rejects: readonly RowReject[];
    })
  | (BatchProvenance & { readonly ok: false; readonly code: InputRejectCode; readonly reason: string });

const DEFAULT_POINTER_CHECK_INTERVAL_MS = 1000;

interface LoadedVersion {
  readonly manifest: ModelManifest;
  readonly predictor: WindowPredictor;
  inFlight: number;
  retired: boolean;
}

async function loadVersion(
  store: ModelStore,
  version: string,
  factory: PredictorFactory,
): Promise<LoadedVersion> {
  const artifact = await store.load(version);
  return { manifest: artifact.manifest, predictor: await factory(artifact), inFlight: 0, retired: false };
}

/**
 * The model a predictor serves, swappable while the stream runs. Each batch is scored by exactly one version: the
 * version is captured once at the batch boundary, and a promotion seen there swaps the reference atomically; the
 * old version is disposed only after its last in-flight batch finishes.
 */
export class ServingModel {
  private lastPointerCheck = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private swapError: ModelError | undefined;

  private constructor(
    private readonly store: ModelStore,
    readonly backend: ActiveBackend,
    private current: LoadedVersion,
    private readonly options: ServingModelOptions,
    private readonly factory: PredictorFactory,
  ) {}

  /**
   * Starts the backend and loads the promoted version.
   *
   * @throws ModelError `NO_PROMOTED_MODEL`, `MODEL_NOT_FOUND`, `MODEL_CORRUPT` (set readiness=false) or
   *   `BACKEND_UNAVAILABLE`
   */
  static async load(store: ModelStore, options: ServingModelOptions = {}): Promise<ServingModel> {
    const backend = await initBackend(options.backend);
    const version = await store.promotedVersion();
    if (version === null) throw new ModelError('NO_PROMOTED_MODEL', 'no model version has been promoted yet');
    const factory =
      options.predictorFactory ?? choosePredictorFactory(options.runtime ?? 'auto', backend, options.onnx);
    const loaded = await loadVersion(store, version, factory);
    const model = new ServingModel(store, backend, loaded, options, factory);
    model.lastPointerCheck = model.now();
    options.log?.({ msg: 'model loaded', ...model.provenance(loaded) });
    return model;
  }

  get manifest(): ModelManifest {
    return this.current.manifest;
  }

  get version(): string {
    return this.current.manifest.version;
  }

  /** The label a metric should carry, e.g. `wasm` or `wasm+onnxruntime`. */
  get backendLabel(): string {
    return this.provenance(this.current).backend;
  }

  /** The last failed attempt to load a newly promoted version (the old one keeps serving), if any. */
  get lastSwapError(): ModelError | undefined {
    return this.swapError;
  }

  private now(): number {
    return (this.options.now ?? performance.now.bind(performance))();
  }

  private provenance(loaded: LoadedVersion): BatchProvenance {
    const runtime = loaded.predictor.runtime === 'tfjs' ? '' : `+${loaded.predictor.runtime}`;
    return {
      modelVersion: loaded.manifest.version,
      labelVersion: loaded.manifest.label.version,
      backend: `${this.backend.label}${runtime}`,
      threshold: loaded.manifest.threshold,
    };
  }

  /**
   * Re-reads the promoted pointer and swaps to a newly promoted version. A version that fails to load is logged
   * and remembered in {@link lastSwapError}; the current one keeps serving.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    this.lastPointerCheck = this.now();
    let promoted: string | null;
    try {
      promoted = await this.store.promotedVersion();
    } catch (error) {
      this.recordSwapError(error, 'promoted pointer unreadable');
      return;
    }
    if (promoted === null || promoted === this.current.manifest.version) return;
    let next: LoadedVersion;
    try {
      next = await loadVersion(this.store, promoted, this.factory);
    } catch (error) {
      this.recordSwapError(error, `cannot load promoted version ${promoted}`);
      return;
    }
    const previous = this.current;
    this.current = next;
    this.swapError = undefined;
    this.retire(previous);
    this.options.log?.({ msg: 'model swapped', from: previous.manifest.version, to: promoted });
  }

  private recordSwapError(error: unknown, context: string): void {
    this.swapError =
      error instanceof ModelError
        ? error
        : new ModelError('MODEL_CORRUPT', `${context}: ${(error as Error).message}`, { cause: error });
    this.options.log?.({
      msg: 'model swap failed',
      code: this.swapError.code,
      reason: this.swapError.message,
    });
  }

  private retire(loaded: LoadedVersion): void {
    loaded.retired = true;
    if (loaded.inFlight === 0) loaded.predictor.dispose();
  }

  /**
   * Scores one Kafka batch in one forward pass: `n` raw (unnormalized) windows of `timesteps × features`, row-major.
   * Checks for a promoted version first (at most every `pointerCheckIntervalMs`). Never throws for bad input: a
   * wrong shape rejects the batch with `SHAPE_MISMATCH`, a NaN/±Infinity rejects its window with
   * `NON_FINITE_FEATURE`.
   */
  async predictBatch(
    windows: Float32Array,
    n: number,
    timesteps: number,
    features: number,
  ): Promise<ServedBatch> {
    const interval = this.options.pointerCheckIntervalMs ?? DEFAULT_POINTER_CHECK_INTERVAL_MS;
    if (this.now() - this.lastPointerCheck >= interval) await this.refresh();
    const loaded = this.current;
    loaded.inFlight += 1;
    try {
      const provenance = this.provenance(loaded);
      const { manifest } = loaded;
      const scores = await scoreBatch(
        loaded.predictor,
        manifest.normalization,
        manifest.network,
        windows,
        n,
        timesteps,
        features,
      );
      if (!scores.ok) return { ...provenance, ok: false, ...scores.reject };
      const jumps = new Uint8Array(n);
      for (let i = 0; i < n; i += 1) jumps[i] = scores.probabilities[i]! >= manifest.threshold ? 1 : 0;
      const rejects = [...scores.rejects].map(([index, reject]) => ({ index, ...reject }));
      return { ...provenance, ok: true, probabilities: scores.probabilities, jumps, rejects };
    } finally {
      loaded.inFlight -= 1;
      if (loaded.retired && loaded.inFlight === 0) loaded.predictor.dispose();
    }
  }

  /** Releases the current model's memory. The instance must not be used afterwards. */
  dispose(): void {
    this.retire(this.current);
  }
}

/** Loads the promoted model for serving; see {@link ServingModel.load}. */
export function loadServingModel(store: ModelStore, options?: ServingModelOptions): Promise<ServingModel> {
  return ServingModel.load(store, options);
}
