import { tf } from '../tf';

/** Scores windows that are already validated and normalized: [n × L × F] float32 in, n probabilities out. */
export interface WindowPredictor {
  /** `tfjs` or `onnxruntime`: which runtime computes the numbers. */
  readonly runtime: string;
  predict(windows: Float32Array, n: number): Promise<Float32Array>;
  dispose(): void;
}

/** The TF.js layers model as a {@link WindowPredictor}: one `predict` call for the whole batch. */
export class TfjsWindowPredictor implements WindowPredictor {
  readonly runtime = 'tfjs';

  constructor(
    private readonly model: tf.LayersModel,
    private readonly timesteps: number,
    private readonly features: number,
  ) {}

  predict(windows: Float32Array, n: number): Promise<Float32Array> {
    if (n === 0) return Promise.resolve(new Float32Array(0));
    const scores = tf.tidy(() => {
      const input = tf.tensor3d(windows, [n, this.timesteps, this.features]);
      // LayersModel.predict slices into batches of 32 by default; one Kafka batch is one forward pass.
      const output = this.model.predict(input, { batchSize: n }) as tf.Tensor;
      return output.dataSync() as Float32Array;
    });
    return Promise.resolve(scores);
  }

  dispose(): void {
    this.model.dispose();
  }
}
