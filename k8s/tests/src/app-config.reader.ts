import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './repo-paths';

/** The parts of a zod schema the checks use: each app validates its environment with one at boot. */
export interface EnvSchema {
  safeParse(input: unknown): {
    readonly success: boolean;
    readonly data?: Record<string, unknown>;
    readonly error?: {
      readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
    };
  };
}

/** What an app's compiled `config/<app>.config.js` exports: its env schema, its default port, its topics. */
export interface AppConfigModule {
  readonly app: string;
  readonly schema: EnvSchema;
  readonly defaultPort: number;
  readonly topics: Readonly<Record<string, string>>;
}

export const PIPELINE_APPS = ['ingestor', 'refiner', 'predictor', 'publisher', 'maintainer'] as const;
export type PipelineApp = (typeof PIPELINE_APPS)[number];

/**
 * Loads the app's compiled config (apps/<app>/dist/config/<app>.config.js; `npm run build` makes it): the manifests
 * are checked against what the service itself will validate at boot, not against a copy of it.
 */
export async function loadAppConfig(app: PipelineApp): Promise<AppConfigModule> {
  const file = join(REPO_ROOT, 'apps', app, 'dist', 'config', `${app}.config.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the apps first (npm run build)`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const upper = app.toUpperCase();
  const schema = module[`${app}ConfigSchema`] as EnvSchema | undefined;
  const defaultPort = module[`${upper}_DEFAULT_PORT`];
  if (typeof schema?.safeParse !== 'function') throw new Error(`${file} exports no ${app}ConfigSchema`);
  if (typeof defaultPort !== 'number') throw new Error(`${file} exports no ${upper}_DEFAULT_PORT`);
  const topics = (module[`${upper}_TOPICS`] ?? {}) as Record<string, string>;
  return { app, schema, defaultPort, topics };
}

/** The libs/bus topology the services create at start, from its compiled entry point. */
export async function loadPipelineTopology(): Promise<
  (options: {
    partitions: number;
    replicationFactor: number;
  }) => readonly { name: string; partitions: number }[]
> {
  const file = join(REPO_ROOT, 'libs', 'bus', 'dist', 'index.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the libraries first (npm run build)`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const pipelineTopology = module['pipelineTopology'];
  if (typeof pipelineTopology !== 'function') throw new Error(`${file} exports no pipelineTopology`);
  return pipelineTopology as Awaited<ReturnType<typeof loadPipelineTopology>>;
}
