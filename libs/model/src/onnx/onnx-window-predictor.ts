import { deserializeNetwork } from '../artifact/network.codec';
import { ModelError } from '../errors/model-error';
import { WindowPredictor } from '../inference/window-predictor';
import type { PredictorFactory } from '../serving/serving-model';
import { ONNX_INPUT, ONNX_OUTPUT, buildGruOnnxModel, gruWeightsOf } from './gru-onnx.export';

/** The slice of onnxruntime-node's API used here (it is an optional dependency: typed locally, loaded lazily). */
interface OrtTensor {
  readonly data: unknown;
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor | undefined>>;
  release(): Promise<void>;
}
interface OrtModule {
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  readonly InferenceSession: {
    create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession>;
  };
}

let ort: OrtModule | undefined;

export interface OnnxSessionOptions {
  /**
   * Threads of one inference. Default 1: on the 2 shared cores measured, one thread scored ~35k windows/s at batch
   * 512 and two threads ~8k/s (the pool's threads fight the event loop and the other processes for the cores).
   * Raise it on a dedicated many-core node after measuring there.
   */
  readonly intraOpThreads?: number;
}

const DEFAULT_INTRA_OP_THREADS = 1;

/** Loads onnxruntime-node, or explains why it cannot (`BACKEND_UNAVAILABLE`). */
export function loadOnnxRuntime(): OrtModule {
  if (ort === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional dependency, loaded only when chosen
      ort = require('onnxruntime-node') as OrtModule;
    } catch (error) {
      throw new ModelError(
        'BACKEND_UNAVAILABLE',
        `onnxruntime-node cannot load: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  return ort;
}

export function onnxRuntimeAvailable(): boolean {
  try {
    loadOnnxRuntime();
    return true;
  } catch {
    return false;
  }
}

/** The same trained weights served by onnxruntime's CPU GRU kernel. */
export class OnnxWindowPredictor implements WindowPredictor {
  readonly runtime = 'onnxruntime';

  private constructor(
    private readonly runtimeModule: OrtModule,
    private readonly session: OrtSession,
    private readonly timesteps: number,
    private readonly features: number,
  ) {}

  static async create(
    onnxModel: Uint8Array,
    timesteps: number,
    features: number,
    options: OnnxSessionOptions = {},
  ): Promise<OnnxWindowPredictor> {
    const runtimeModule = loadOnnxRuntime();
    try {
      const session = await runtimeModule.InferenceSession.create(onnxModel, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        intraOpNumThreads: options.intraOpThreads ?? DEFAULT_INTRA_OP_THREADS,
        interOpNumThreads: 1,
      });
      return new OnnxWindowPredictor(runtimeModule, session, timesteps, features);
    } catch (error) {
      throw new ModelError(
        'MODEL_CORRUPT',
        `onnxruntime rejected the exported graph: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  async predict(windows: Float32Array, n: number): Promise<Float32Array> {
    if (n === 0) return new Float32Array(0);
    const input = new this.runtimeModule.Tensor('float32', windows, [n, this.timesteps, this.features]);
    const output = (await this.session.run({ [ONNX_INPUT]: input }))[ONNX_OUTPUT];
    if (!(output?.data instanceof Float32Array)) throw new Error('onnxruntime returned no float32 output');
    return output.data;
  }

  dispose(): void {
    void this.session.release();
  }
}

/** Serves an artifact through onnxruntime: rebuilds the TF.js network once to read its weights, then exports. */
export function createOnnxPredictorFactory(options: OnnxSessionOptions = {}): PredictorFactory {
  return async (artifact) => {
    const network = await deserializeNetwork(artifact.network);
    let onnxModel: Uint8Array;
    try {
      onnxModel = buildGruOnnxModel(gruWeightsOf(network));
    } finally {
      network.dispose();
    }
    const { timesteps, features } = artifact.manifest.network;
    return OnnxWindowPredictor.create(onnxModel, timesteps, features, options);
  };
}

export const onnxPredictorFactory: PredictorFactory = createOnnxPredictorFactory();
