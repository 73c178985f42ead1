import { dirname, join } from 'node:path';
import { checkKafkaAuth, commonEnv, httpPort, kafkaEnv } from '@lakehouse/platform';
import type { TopicName } from '@lakehouse/bus';
import { BACKEND_CHAIN, SERVING_RUNTIMES } from '@lakehouse/model';
import { z } from 'zod';

/**
 * The topics this stage consumes and produces (besides `ticks.dlq`). Its consumer subscribes through this object,
 * so the deploy manifests' scaler and topic checks can read them here.
 */
export const PREDICTOR_TOPICS = {
  input: 'ticks.refined',
  output: 'signals.predictions',
} as const satisfies Record<string, TopicName>;

export const PREDICTOR_DEFAULT_PORT = 3003;

/** Where the model store lives when only the lake root is configured: beside the lake, `<LAKE_ROOT>/../models`. */
export const MODEL_DIR_BESIDE_LAKE = 'models';

const DEFAULT_MODEL_POLL_MS = 2_000;

/** The model-store part of the env, shared by the service and the `predictor` commands. */
export const modelStoreEnv = {
  /** Directory of the model registry (versions + promoted pointer). Defaults to `<LAKE_ROOT>/../models`. */
  MODEL_STORE_DIR: z.string().min(1).optional(),
  LAKE_ROOT: z.string().min(1).optional(),
};

export const predictorConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...modelStoreEnv,
    HTTP_PORT: httpPort(PREDICTOR_DEFAULT_PORT),
    KAFKA_GROUP_ID: z.string().min(1).default('predictor'),
    /** Pins one TF.js backend (`auto` walks the chain tfjs-node-gpu → tfjs-node → wasm → cpu). */
    TF_BACKEND: z.enum(['auto', ...BACKEND_CHAIN]).default('auto'),
    /** Which runtime computes predictions on a CPU backend: onnxruntime (`auto`, when it loads) or TF.js. */
    MODEL_RUNTIME: z.enum(SERVING_RUNTIMES).default('auto'),
    /** onnxruntime intra-op threads (1 was fastest on 2 shared cores). */
    ONNX_THREADS: z.coerce.number().int().min(1).max(64).default(1),
    /** How often the promoted pointer is re-read (a swap happens between two batches) and a missing model retried. */
    MODEL_POLL_MS: z.coerce.number().int().min(50).default(DEFAULT_MODEL_POLL_MS),
  })
  .superRefine(checkKafkaAuth)
  .superRefine(checkModelStore);

export type PredictorConfig = z.output<typeof predictorConfigSchema>;

/** Cross-key rule of {@link modelStoreEnv}: a store directory, or a local lake root to put it beside. */
export function checkModelStore(
  env: { MODEL_STORE_DIR?: string | undefined; LAKE_ROOT?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (env.MODEL_STORE_DIR !== undefined) return;
  if (env.LAKE_ROOT === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['MODEL_STORE_DIR'],
      message: 'required when LAKE_ROOT is not set',
    });
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(env.LAKE_ROOT)) {
    ctx.addIssue({
      code: 'custom',
      path: ['MODEL_STORE_DIR'],
      message: 'required when LAKE_ROOT is an object-store URL (the store is a local directory)',
    });
  }
}

/** The model store directory the env names (validated by {@link checkModelStore}). */
export function modelStoreDir(env: {
  MODEL_STORE_DIR?: string | undefined;
  LAKE_ROOT?: string | undefined;
}): string {
  if (env.MODEL_STORE_DIR !== undefined) return env.MODEL_STORE_DIR;
  if (env.LAKE_ROOT === undefined) throw new Error('MODEL_STORE_DIR or LAKE_ROOT is required');
  return join(dirname(env.LAKE_ROOT.replace(/\/+$/, '')), MODEL_DIR_BESIDE_LAKE);
}
