import { z } from 'zod';
import { CodedError } from '../errors/coded-error';
import { sensitiveKeys } from './env-schema';

export type ConfigErrorCode = 'CONFIG_INVALID';

export interface ConfigIssue {
  readonly key: string;
  readonly reason: string;
}

/** Every bad key at once, so one restart fixes them all. */
export class ConfigError extends CodedError<ConfigErrorCode> {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      'CONFIG_INVALID',
      `invalid configuration (${issues.length} key${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  - ${i.key}: ${i.reason}`).join('\n'),
    );
  }
}

export type EnvSchema = z.ZodObject;

/**
 * Validates the environment once, at boot, against an app's schema and returns one typed object.
 * Throws {@link ConfigError} listing every bad key with its reason.
 */
export function loadConfig<S extends EnvSchema>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    key: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    reason: issue.message,
  }));
  throw new ConfigError(issues);
}

const MASK = '***';

/** The effective config with sensitive keys masked, for the start-up log line. */
export function describeConfig<S extends EnvSchema>(schema: S, config: z.output<S>): Record<string, unknown> {
  const shape: Record<string, z.ZodType> = schema.shape;
  const described: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const field = shape[key];
    described[key] = field !== undefined && sensitiveKeys.has(field) && value !== undefined ? MASK : value;
  }
  return described;
}
