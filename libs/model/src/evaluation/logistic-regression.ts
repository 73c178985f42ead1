import { ClassWeights } from '../dataset/class-weights';

/** A fitted logistic regression: P(y=1 | x) = σ(w·x + b). */
export interface LogisticModel {
  readonly weights: Float64Array;
  readonly bias: number;
}

export interface LogisticOptions {
  readonly iterations?: number;
  readonly learningRate?: number;
  /** L2 penalty on the weights (not the bias). */
  readonly l2?: number;
  readonly classWeights?: ClassWeights;
}

const DEFAULTS = { iterations: 300, learningRate: 0.5, l2: 1e-4 };

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Full-batch gradient descent on the class-weighted log loss; deterministic (zero init, no sampling). The baseline
 * model of the evaluation report: on standardized inputs it converges well within the default iterations.
 *
 * @param rows row-major [n × width]
 */
export function fitLogisticRegression(
  rows: Float32Array,
  labels: ArrayLike<number>,
  width: number,
  options: LogisticOptions = {},
): LogisticModel {
  const { iterations, learningRate, l2 } = { ...DEFAULTS, ...options };
  const classWeights = options.classWeights ?? { negative: 1, positive: 1 };
  const n = labels.length;
  const weights = new Float64Array(width);
  let bias = 0;
  const gradient = new Float64Array(width);
  let totalWeight = 0;
  for (let i = 0; i < n; i += 1)
    totalWeight += labels[i] === 1 ? classWeights.positive : classWeights.negative;
  if (n === 0 || totalWeight === 0) return { weights, bias };
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    gradient.fill(0);
    let biasGradient = 0;
    for (let i = 0; i < n; i += 1) {
      const base = i * width;
      let z = bias;
      for (let f = 0; f < width; f += 1) z += weights[f]! * rows[base + f]!;
      const y = labels[i] === 1 ? 1 : 0;
      const error = (sigmoid(z) - y) * (y === 1 ? classWeights.positive : classWeights.negative);
      for (let f = 0; f < width; f += 1) gradient[f]! += error * rows[base + f]!;
      biasGradient += error;
    }
    for (let f = 0; f < width; f += 1) {
      weights[f]! -= learningRate * (gradient[f]! / totalWeight + l2 * weights[f]!);
    }
    bias -= (learningRate * biasGradient) / totalWeight;
  }
  return { weights, bias };
}

export function predictLogistic(model: LogisticModel, rows: Float32Array, width: number): Float32Array {
  const n = rows.length / width;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 1) {
    let z = model.bias;
    for (let f = 0; f < width; f += 1) z += model.weights[f]! * rows[i * width + f]!;
    out[i] = sigmoid(z);
  }
  return out;
}
