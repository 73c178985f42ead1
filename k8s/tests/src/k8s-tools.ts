import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** What k8s/scripts/setup-tools.sh installed: how to render a kustomization and where the pinned schemas are. */
export interface K8sTools {
  readonly render: readonly [string, ...string[]];
  readonly schemaDir: string;
  readonly kubernetesVersion: string;
  /** The classpath of Kafka's command-line tools, for k8s/scripts/kafka-cli/kafka-topics.sh. */
  readonly kafkaCliClasspathFile: string;
  /** The hadolint binary. */
  readonly hadolint: string;
}

const SETUP_HINT = 'run k8s/scripts/setup-tools.sh (CI runs it before the tests)';

export function loadK8sTools(): K8sTools {
  const cache = process.env['LAKEHOUSE_CACHE'] ?? join(homedir(), '.cache', 'fin-lakehouse');
  const file = join(cache, 'k8s-tools', 'tools.json');
  if (!existsSync(file)) throw new Error(`k8s tools are not installed (${file} is missing): ${SETUP_HINT}`);
  const tools = JSON.parse(readFileSync(file, 'utf8')) as K8sTools;
  const [bin] = tools.render;
  if (isAbsolute(bin) && !existsSync(bin)) throw new Error(`the renderer ${bin} is gone: ${SETUP_HINT}`);
  if (!existsSync(join(tools.schemaDir, '_definitions.json'))) {
    throw new Error(
      `the Kubernetes ${tools.kubernetesVersion} schemas are gone from ${tools.schemaDir}: ${SETUP_HINT}`,
    );
  }
  for (const file of [tools.hadolint, tools.kafkaCliClasspathFile]) {
    if (typeof file !== 'string' || !existsSync(file))
      throw new Error(`${String(file)} is missing: ${SETUP_HINT}`);
  }
  return tools;
}
