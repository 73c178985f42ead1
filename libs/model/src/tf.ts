// The one place that imports TensorFlow.js: every backend registers into this engine.
import * as tf from '@tensorflow/tfjs';

export { tf };
