import {
  type ModelStore,
  type PredictorFactory,
  type ServingModel,
  type ServingRuntime,
  initBackend,
  isModelError,
  loadServingModel,
} from '@lakehouse/model';
import { type ProbeResult, errorMessage } from '@lakehouse/platform';
import { PredictorError } from '../predictor-error';

/** Structured log sink: `level` picks the logger method. */
export type HolderLog = (level: 'log' | 'warn' | 'error', fields: Record<string, unknown>) => void;

export interface ModelHolderOptions {
  /** `TF_BACKEND`: `auto` or one backend of the chain. */
  readonly backend: string;
  readonly runtime: ServingRuntime;
  readonly onnxThreads: number;
  /** Poll period of the promoted pointer (and of retries while no model is loaded). */
  readonly pollMs: number;
  /** Where the store lives, for the error log only. */
  readonly storeDescription: string;
  /** Replaces the runtime choice (tests count forward passes with it). */
  readonly predictorFactory?: PredictorFactory;
}

/** Called whenever the served version (or its backend) changes. */
export type ServingListener = (modelVersion: string, backend: string) => void;

/**
 * Owns the {@link ServingModel} of one predictor process. At start it selects the backend (logged once) and loads
 * the promoted version; a missing or corrupt model is logged with its code and leaves readiness false, and loading
 * is retried every poll until a model is promoted. Once serving, it re-reads the promoted pointer every poll.
 *
 * Invariant: a swap and a batch never overlap. Batches run through {@link withModel} and swaps through the same
 * exclusive section, so every batch is scored by exactly one version, from its first event to its last.
 */
export class ModelHolder {
  private model: ServingModel | undefined;
  private failure: { readonly code: string; readonly reason: string } | undefined;
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private backendLabel: string | undefined;

  constructor(
    private readonly store: ModelStore,
    private readonly options: ModelHolderOptions,
    private readonly log: HolderLog,
    private readonly onServing: ServingListener = () => undefined,
  ) {}

  /** Selects the backend and tries to load the promoted model; never throws for a missing model. */
  async start(): Promise<void> {
    const backend = await initBackend({
      override: this.options.backend,
      log: (event) => this.log('log', event),
    });
    this.backendLabel = backend.label;
    await this.exclusive(() => this.poll());
    this.schedule();
  }

  /** Stops polling and releases the model once the in-flight batch is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.exclusive(() => {
      this.model?.dispose();
      this.model = undefined;
      return Promise.resolve();
    });
  }

  /** The served version, if any. */
  get version(): string | undefined {
    return this.model?.version;
  }

  /** Readiness: up only while a model is loaded. */
  probe(): ProbeResult {
    const model = this.model;
    if (model === undefined) {
      return {
        up: false,
        details: { backend: this.backendLabel ?? null, ...(this.failure ?? { code: 'STARTING' }) },
      };
    }
    return {
      up: true,
      details: {
        modelVersion: model.version,
        backend: model.backendLabel,
        ...(model.lastSwapError
          ? { lastSwapError: { code: model.lastSwapError.code, reason: model.lastSwapError.message } }
          : {}),
      },
    };
  }

  /**
   * Runs one batch against the served model, excluding swaps while it runs.
   * @throws PredictorError `MODEL_NOT_READY` when no model is loaded (the batch runner retries; nothing is lost)
   */
  withModel<T>(score: (model: ServingModel) => Promise<T>): Promise<T> {
    return this.exclusive(() => {
      const model = this.model;
      if (model === undefined) {
        const why = this.failure ? `${this.failure.code}: ${this.failure.reason}` : 'still starting';
        throw new PredictorError('MODEL_NOT_READY', `no model is being served (${why})`);
      }
      return score(model);
    });
  }

  /** Re-reads the promoted pointer now (between batches), as the poll timer does. */
  refresh(): Promise<void> {
    return this.exclusive(() => this.poll());
  }

  private exclusive<T>(body: () => Promise<T>): Promise<T> {
    const run = this.exclusiveTail.then(body);
    this.exclusiveTail = run.catch(() => undefined);
    return run;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.schedule());
    }, this.options.pollMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    if (this.model === undefined) {
      await this.loadFirst();
      return;
    }
    const before = this.model.version;
    await this.model.refresh();
    if (this.model.version !== before) this.onServing(this.model.version, this.model.backendLabel);
  }

  private async loadFirst(): Promise<void> {
    try {
      this.model = await loadServingModel(this.store, {
        backend: { override: this.options.backend },
        runtime: this.options.runtime,
        onnx: { intraOpThreads: this.options.onnxThreads },
        // Swaps happen only in poll(), inside the exclusive section, never inside a batch.
        pointerCheckIntervalMs: Number.POSITIVE_INFINITY,
        ...(this.options.predictorFactory ? { predictorFactory: this.options.predictorFactory } : {}),
        log: (event) => this.log(event['msg'] === 'model swap failed' ? 'error' : 'log', event),
      });
    } catch (error) {
      const code = isModelError(error) ? error.code : 'MODEL_LOAD_FAILED';
      const reason = errorMessage(error);
      const changed = this.failure?.code !== code || this.failure.reason !== reason;
      this.failure = { code, reason };
      // Logged when it starts or changes, not on every poll.
      if (changed) {
        this.log('error', {
          msg: 'no model to serve: readiness is false until a valid model is promoted',
          code,
          reason,
          store: this.options.storeDescription,
        });
      }
      return;
    }
    this.failure = undefined;
    this.log('log', {
      msg: 'serving model',
      modelVersion: this.model.version,
      backend: this.model.backendLabel,
      labelVersion: this.model.manifest.label.version,
      featureVersion: this.model.manifest.features.version,
    });
    this.onServing(this.model.version, this.model.backendLabel);
  }
}
