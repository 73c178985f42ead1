import { tf } from '../tf';

/** Shape and size of the network; stored in the artifact so that serving rebuilds nothing by guesswork. */
export interface GruNetworkSpec {
  /** L: timesteps per window. */
  readonly timesteps: number;
  /** F: features per timestep. */
  readonly features: number;
  readonly units: number;
  /** Dropout on the GRU's inputs while training (0 disables). */
  readonly dropout: number;
  /** Seeds the weight initializers. */
  readonly seed: number;
}

export const DEFAULT_GRU_UNITS = 64;

/**
 * GRU(units) over [L × F] → Dense(1, sigmoid) = P(price jump within the label's horizon). TF.js GRU layers only
 * implement `reset_after=false` (they reject the option) (the original Cho et al. formulation); an ONNX export must use the same
 * (`linear_before_reset=0`).
 */
export function buildGruNetwork(spec: GruNetworkSpec): tf.LayersModel {
  const model = tf.sequential({ name: 'gru_jump' });
  model.add(
    tf.layers.gru({
      name: 'gru',
      units: spec.units,
      inputShape: [spec.timesteps, spec.features],
      dropout: spec.dropout,
      // TF.js defaults to hardSigmoid; the logistic sigmoid matches Keras 2+ and ONNX's default GRU gate.
      recurrentActivation: 'sigmoid',
      // Orthogonal init of a units×3·units matrix is slow in TF.js and warns on every build; Glorot is fine here.
      kernelInitializer: tf.initializers.glorotUniform({ seed: spec.seed }),
      recurrentInitializer: tf.initializers.glorotUniform({ seed: spec.seed + 1 }),
    }),
  );
  model.add(
    tf.layers.dense({
      name: 'jump_probability',
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: spec.seed + 2 }),
    }),
  );
  return model;
}
