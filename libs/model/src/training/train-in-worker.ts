import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ModelError, ModelErrorCode } from '../errors/model-error';
import { ComponentRef } from './component-ref';
import { TrainingProgress, TrainingResult } from './train-model';
import { TrainOptions } from './train-options';

export interface TrainWorkerData {
  readonly options: TrainOptions;
  readonly dataSource: ComponentRef;
  readonly store: ComponentRef;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly event: TrainingProgress }
  | { readonly type: 'done'; readonly result: TrainingResult }
  | { readonly type: 'error'; readonly code: ModelErrorCode; readonly message: string };

/**
 * Runs {@link trainModel} on a worker thread so that a long-running process (the predictor) keeps consuming while a
 * model trains: TF.js kernels block the thread they run on. The worker has its own TF.js engine and backend.
 *
 * @throws ModelError with the worker's code (`INSUFFICIENT_DATA`, `TRAINING_FAILED`, …)
 */
export function trainInWorker(
  request: TrainWorkerData,
  onProgress?: (event: TrainingProgress) => void,
): Promise<TrainingResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'train.worker.js'), { workerData: request });
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.event);
      else if (message.type === 'done') {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(new ModelError(message.code, message.message));
      }
    });
    worker.on('error', (error: Error) => {
      settled = true;
      reject(
        new ModelError('TRAINING_FAILED', `training worker crashed: ${error.message}`, { cause: error }),
      );
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new ModelError('TRAINING_FAILED', `training worker exited with code ${code}`));
    });
  });
}
