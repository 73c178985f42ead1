import { commonEnv, httpPort, lakeEnv } from '@lakehouse/platform';
import { z } from 'zod';

export const MAINTAINER_DEFAULT_PORT = 3005;

export const maintainerConfigSchema = z.object({
  ...commonEnv,
  ...lakeEnv,
  HTTP_PORT: httpPort(MAINTAINER_DEFAULT_PORT),
});

export type MaintainerConfig = z.output<typeof maintainerConfigSchema>;
