import { BACKEND_CHAIN } from '@lakehouse/model';
import { z } from 'zod';
import { checkModelStore, modelStoreDir, modelStoreEnv } from '../config/predictor.config';

/** The env of the `predictor` commands: where the lake and the model store are, and the TF.js backend. */
export const cliEnvSchema = z
  .object({
    ...modelStoreEnv,
    TF_BACKEND: z.enum(['auto', ...BACKEND_CHAIN]).default('auto'),
  })
  .superRefine(checkModelStore);

export type CliEnv = z.output<typeof cliEnvSchema>;

export function storeRootOf(env: CliEnv): string {
  return modelStoreDir(env);
}

/** Where a command writes: JSON lines for events, plain text for reports. */
export interface CliOutput {
  json(event: Record<string, unknown>): void;
  text(text: string): void;
}
