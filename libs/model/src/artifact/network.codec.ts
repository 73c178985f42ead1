import { ModelError } from '../errors/model-error';
import { tf } from '../tf';

/** The file name the weights manifest points at, as TF.js's own `file://` and `http://` loaders expect. */
export const WEIGHTS_FILE = 'weights.bin';

/**
 * A trained network in TF.js's own layers-model format: `modelJson` is the content of `model.json` and `weights` of
 * `weights.bin`, so a stored version also loads with stock `tf.loadLayersModel('file://…/model.json')`.
 */
export interface SerializedNetwork {
  readonly modelJson: tf.io.ModelJSON;
  readonly weights: Uint8Array;
}

/** Captures the topology and weights of a model without touching any file system. */
export async function serializeNetwork(model: tf.LayersModel): Promise<SerializedNetwork> {
  let captured: SerializedNetwork | undefined;
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      if (artifacts.modelTopology === undefined || artifacts.weightSpecs === undefined) {
        throw new ModelError('INVALID_ARTIFACT', 'the model produced no topology or weights to save');
      }
      const weightData = artifacts.weightData ?? new ArrayBuffer(0);
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData));
      captured = {
        modelJson: {
          format: 'layers-model',
          generatedBy: artifacts.generatedBy ?? 'TensorFlow.js',
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
        },
        weights,
      };
      return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) });
    }),
  );
  if (captured === undefined)
    throw new ModelError('INVALID_ARTIFACT', 'the model save handler was never called');
  return captured;
}

/** @throws ModelError `MODEL_CORRUPT` when the topology or weights do not make a model. */
export async function deserializeNetwork(network: SerializedNetwork): Promise<tf.LayersModel> {
  try {
    const weightSpecs = network.modelJson.weightsManifest.flatMap((group) => group.weights);
    const weightData = network.weights.buffer.slice(
      network.weights.byteOffset,
      network.weights.byteOffset + network.weights.byteLength,
    ) as ArrayBuffer;
    const expectedBytes = weightSpecs.reduce((sum, spec) => sum + bytesOf(spec), 0);
    if (expectedBytes !== weightData.byteLength) {
      throw new Error(`weights hold ${weightData.byteLength} bytes, the manifest describes ${expectedBytes}`);
    }
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: network.modelJson.modelTopology, weightSpecs, weightData }),
    );
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new ModelError('MODEL_CORRUPT', `cannot rebuild the network: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

const BYTES_PER_DTYPE: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

function bytesOf(spec: tf.io.WeightsManifestEntry): number {
  const perValue = BYTES_PER_DTYPE[spec.dtype];
  if (perValue === undefined || spec.quantization !== undefined) {
    throw new Error(`unsupported weight encoding ${spec.dtype}${spec.quantization ? ' (quantized)' : ''}`);
  }
  return spec.shape.reduce((n, d) => n * d, 1) * perValue;
}
