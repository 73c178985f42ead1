import { ModelError } from '../errors/model-error';
import { tf } from '../tf';
import { bytesField, concat, intField, messageField, stringField } from './protobuf-writer';

/** The trained numbers of the GRU network, in TF.js layouts. */
export interface GruWeights {
  readonly timesteps: number;
  readonly features: number;
  readonly units: number;
  /** [F × 3H], gate blocks z | r | h. */
  readonly kernel: Float32Array;
  /** [H × 3H], gate blocks z | r | h. */
  readonly recurrentKernel: Float32Array;
  /** [3H] */
  readonly bias: Float32Array;
  /** [H × 1] */
  readonly denseKernel: Float32Array;
  /** [1] */
  readonly denseBias: Float32Array;
}

export const ONNX_INPUT = 'windows';
export const ONNX_OUTPUT = 'jump_probability';
/** ONNX opset with everything used here (GRU, Reshape with a shape input, Transpose, MatMul, Add, Sigmoid). */
const OPSET = 13;
const IR_VERSION = 7;
const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

/** Reads the weights out of the network built by `buildGruNetwork` (layers `gru` and `jump_probability`). */
export function gruWeightsOf(model: tf.LayersModel): GruWeights {
  const gru = model.getLayer('gru').getWeights();
  const dense = model.getLayer('jump_probability').getWeights();
  const [kernel, recurrentKernel, bias] = gru;
  const [denseKernel, denseBias] = dense;
  if (!kernel || !recurrentKernel || !bias || !denseKernel || !denseBias) {
    throw new ModelError('INVALID_ARTIFACT', 'the network is not a GRU with bias followed by a dense output');
  }
  const inputShape = model.inputs[0]?.shape ?? [];
  const [, timesteps, features] = inputShape;
  if (typeof timesteps !== 'number' || typeof features !== 'number') {
    throw new ModelError('INVALID_ARTIFACT', 'the network has no fixed [timesteps, features] input shape');
  }
  const read = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;
  return {
    timesteps,
    features,
    units: recurrentKernel.shape[0],
    kernel: read(kernel),
    recurrentKernel: read(recurrentKernel),
    bias: read(bias),
    denseKernel: read(denseKernel),
    denseBias: read(denseBias),
  };
}

/** [rows × cols] row-major → [cols × rows]. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r += 1)
    for (let c = 0; c < cols; c += 1) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

function tensor(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): Uint8Array {
  const type = data instanceof Float32Array ? ONNX_FLOAT : ONNX_INT64;
  return concat([
    ...dims.map((d) => intField(1, d)),
    intField(2, type),
    stringField(8, name),
    bytesField(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
  ]);
}

function attributeInt(name: string, value: number): Uint8Array {
  return messageField(5, [stringField(1, name), intField(3, value), intField(20, ATTRIBUTE_INT)]);
}

function attributeInts(name: string, values: readonly number[]): Uint8Array {
  return messageField(5, [
    stringField(1, name),
    ...values.map((v) => intField(8, v)),
    intField(20, ATTRIBUTE_INTS),
  ]);
}

function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: readonly Uint8Array[] = [],
): Uint8Array {
  return messageField(1, [
    ...inputs.map((i) => stringField(1, i)),
    ...outputs.map((o) => stringField(2, o)),
    stringField(3, `${opType.toLowerCase()}_${outputs.find((o) => o !== '') ?? ''}`),
    stringField(4, opType),
    ...attributes,
  ]);
}

/** ValueInfoProto of a float tensor; a string dimension is symbolic (the batch). */
function valueInfo(field: number, name: string, dims: ReadonlyArray<number | string>): Uint8Array {
  const shape = dims.map((d) =>
    messageField(1, [typeof d === 'number' ? intField(1, d) : stringField(2, d)]),
  );
  const tensorType = messageField(1, [intField(1, ONNX_FLOAT), messageField(2, shape)]);
  return messageField(field, [stringField(1, name), messageField(2, [tensorType])]);
}

/**
 * Builds an ONNX model computing exactly what the TF.js network computes: input `windows` [N × L × F] float32,
 * output `jump_probability` [N × 1]. TF.js's GRU is ONNX's GRU with `linear_before_reset=0` and gates in the same
 * z, r, h order; TF.js keeps a single bias, so ONNX's recurrent bias is zero.
 */
export function buildGruOnnxModel(weights: GruWeights): Uint8Array {
  const { timesteps, features, units: h } = weights;
  const gates = 3 * h;
  const W = transpose(weights.kernel, features, gates);
  const R = transpose(weights.recurrentKernel, h, gates);
  const B = new Float32Array(2 * gates);
  B.set(weights.bias, 0);
  const graph = [
    node('Transpose', [ONNX_INPUT], ['x_time_major'], [attributeInts('perm', [1, 0, 2])]),
    node(
      'GRU',
      ['x_time_major', 'W', 'R', 'B'],
      ['', 'h_last'],
      [attributeInt('hidden_size', h), attributeInt('linear_before_reset', 0)],
    ),
    node('Reshape', ['h_last', 'h_shape'], ['h']),
    node('MatMul', ['h', 'dense_kernel'], ['logit_no_bias']),
    node('Add', ['logit_no_bias', 'dense_bias'], ['logit']),
    node('Sigmoid', ['logit'], [ONNX_OUTPUT]),
    stringField(2, 'gru_jump'),
    messageField(5, [tensor('W', [1, gates, features], W)]),
    messageField(5, [tensor('R', [1, gates, h], R)]),
    messageField(5, [tensor('B', [1, 2 * gates], B)]),
    messageField(5, [tensor('h_shape', [2], BigInt64Array.from([-1n, BigInt(h)]))]),
    messageField(5, [tensor('dense_kernel', [h, 1], weights.denseKernel)]),
    messageField(5, [tensor('dense_bias', [1], weights.denseBias)]),
    valueInfo(11, ONNX_INPUT, ['batch', timesteps, features]),
    valueInfo(12, ONNX_OUTPUT, ['batch', 1]),
  ];
  return concat([
    intField(1, IR_VERSION),
    stringField(2, '@lakehouse/model'),
    messageField(7, graph),
    messageField(8, [stringField(1, ''), intField(2, OPSET)]),
  ]);
}
