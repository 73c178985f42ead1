import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { containerEnv } from './container-env';
import { PIPELINE_APPS } from './app-config.reader';
import { assembleRuntime, requireBrokers, ServiceProcess } from './service-process';

// Each service booted from the tree its image would hold (docker/assemble-runtime.sh, as the Dockerfile runs it:
// production dependencies of its workspace only, built dist/, no sources or specs), read-only, as an unprivileged
// user, with the environment the local overlay gives its Deployment. It must become ready and serve /health,
// /health/ready and /metrics, then stop cleanly on SIGTERM. Only the broker, the lake path, the port and a topic
// namespace are swapped for the test's own.
const EXIT_CLEAN = 0;

describe('each service boots from its image layout with the manifests’ environment', () => {
  const root = mkdtempSync(join(tmpdir(), 'image-layout-'));
  chmodSync(root, 0o755);
  const objects = renderKustomization('overlays/local');
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const app of PIPELINE_APPS) {
    it(`${app}: ready, healthy and scraped, then stops cleanly`, async () => {
      const brokers = requireBrokers();
      const tree = join(root, app);
      assembleRuntime(app, tree);
      const lake = mkdtempSync(join(root, `${app}-lake-`));
      chmodSync(lake, 0o777);
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app);
      assert.ok(deployment);
      const env = {
        ...containerEnv(objects, deployment),
        KAFKA_BROKERS: brokers,
        KAFKA_NAMESPACE: `k8simg${Date.now()}`,
        LAKE_ROOT: lake,
      };
      const service = await ServiceProcess.start(tree, env, root);
      try {
        await service.get('/health/ready');
        await service.get('/health');
        assert.match(await (await service.get('/metrics')).text(), /^# TYPE /m);
        assert.equal(await service.stop(), EXIT_CLEAN, `exit after SIGTERM:\n${service.logs()}`);
      } finally {
        service.kill();
      }
    });
  }
});
