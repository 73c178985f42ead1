// Worker-thread entry of trainInWorker: builds its own adapters from ComponentRefs and trains, posting progress.
import { parentPort, workerData } from 'node:worker_threads';
import { TrainingDataSource } from '../dataset/training-data-source.port';
import { isModelError } from '../errors/model-error';
import { ModelStore } from '../store/model-store.port';
import { constructComponent } from './component-ref';
import { trainModel } from './train-model';
import type { TrainWorkerData, WorkerMessage } from './train-in-worker';

async function main(): Promise<void> {
  const data = workerData as TrainWorkerData;
  const post = (message: WorkerMessage): void => parentPort?.postMessage(message);
  try {
    const result = await trainModel(
      {
        dataSource: constructComponent<TrainingDataSource>(data.dataSource),
        store: constructComponent<ModelStore>(data.store),
        onProgress: (event) => post({ type: 'progress', event }),
      },
      data.options,
    );
    post({ type: 'done', result });
  } catch (error) {
    post({
      type: 'error',
      code: isModelError(error) ? error.code : 'TRAINING_FAILED',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

void main();
