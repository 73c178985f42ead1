import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderKustomization } from './render';
import { BASE, OVERLAYS, REPO_ROOT } from './repo-paths';
import { asArray, at, containersOf, podTemplate, type K8sObject } from './k8s-object';
import { topologyOf } from './topology';

const NAMESPACE = 'lakehouse';
const CLUSTER_SCOPED = ['Namespace'];
const DASHBOARD_NODE_PORT = 30004;

/** libs/model's backend names (TF_BACKEND values), from its compiled entry point. */
function backendChain(): readonly string[] {
  const file = join(REPO_ROOT, 'libs', 'model', 'dist', 'index.js');
  assert.ok(existsSync(file), `${file} is missing: build the libraries first (npm run build)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a built sibling package read as data
  return (require(file) as { BACKEND_CHAIN: readonly string[] }).BACKEND_CHAIN;
}

function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is rendered`);
  return found;
}

/** The topic table in docs/ARCHITECTURE.md: | `ticks.raw` | 6 | ... */
function documentedTopics(): Map<string, number> {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  return new Map(
    [...doc.matchAll(/^\| `([a-z.]+)` \| (\d+) \|/gm)].map((m) => [m[1] as string, Number(m[2])]),
  );
}

describe('kustomize renders every overlay', () => {
  for (const dir of [BASE, ...OVERLAYS]) {
    it(`${dir} renders, with unique names, everything in the ${NAMESPACE} namespace`, () => {
      const objects = renderKustomization(dir);
      assert.ok(objects.length > 0);
      const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      assert.deepEqual(
        keys.filter((k, i) => keys.indexOf(k) !== i),
        [],
      );
      for (const o of objects.filter((o) => !CLUSTER_SCOPED.includes(o.kind))) {
        assert.equal(o.metadata.namespace, NAMESPACE, `${o.kind}/${o.metadata.name} namespace`);
      }
    });
  }

  it('base has one Deployment per service, Kafka as a StatefulSet, the object store and both set-up Jobs', () => {
    const objects = renderKustomization(BASE);
    for (const app of ['ingestor', 'refiner', 'predictor', 'publisher', 'maintainer', 'minio']) {
      find(objects, 'Deployment', app);
    }
    const kafka = containersOf(podTemplate(find(objects, 'StatefulSet', 'kafka')) ?? {});
    assert.match(String(kafka[0]?.['image']), /^apache\/kafka:\d+\.\d+\.\d+$/);
    find(objects, 'Job', 'kafka-topics');
    find(objects, 'Job', 'lake-bucket');
  });

  it('the namespace enforces the restricted Pod Security Standard (what the pod-security policy mirrors)', () => {
    const namespace = find(renderKustomization(BASE), 'Namespace', NAMESPACE);
    assert.equal(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  });

  it('the topology ConfigMap matches the topic table in docs/ARCHITECTURE.md', () => {
    const topology = topologyOf(renderKustomization(BASE));
    assert.deepEqual(
      new Map([...topology.partitionsByTopic].sort()),
      new Map([...documentedTopics()].sort()),
    );
    assert.equal(
      topology.partitionsByTopic.get(topology.predictorInputTopic),
      topology.predictorInputPartitions,
    );
  });

  it('the topics Job reads its topic list from the topology ConfigMap', () => {
    const objects = renderKustomization(BASE);
    const topologyName = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('kafka-topology'),
    )?.metadata.name;
    const job = containersOf(podTemplate(find(objects, 'Job', 'kafka-topics')) ?? {})[0];
    const sources = asArray(job?.['envFrom']).map((e) => at(e, 'configMapRef', 'name'));
    assert.deepEqual(sources, [topologyName]);
  });

  it('the services put the lake in the object store through S3 storage options', () => {
    const objects = renderKustomization(BASE);
    const config = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('lakehouse-config'),
    );
    const data = (config?.['data'] ?? {}) as Record<string, string>;
    assert.match(data['LAKE_ROOT'] ?? '', /^s3:\/\/[a-z0-9-]+\//);
    assert.match(data['AWS_ENDPOINT_URL'] ?? '', /^http:\/\/minio\./);
    assert.equal(data['AWS_CONDITIONAL_PUT'], 'etag');
    for (const app of ['ingestor', 'refiner', 'publisher', 'maintainer']) {
      const container = containersOf(podTemplate(find(objects, 'Deployment', app)) ?? {})[0];
      const refs = asArray(container?.['envFrom']).map(
        (e) => at(e, 'secretRef', 'name') ?? at(e, 'configMapRef', 'name'),
      );
      assert.ok(
        refs.includes(config?.metadata.name) && refs.includes('lake-credentials'),
        `${app}: ${refs.join()}`,
      );
    }
  });

  it('the model store is a ReadWriteMany claim, ReadWriteOnce on one-node local clusters, where models promote at once', () => {
    const settings = (dir: string) => {
      const objects = renderKustomization(dir);
      const training = objects.find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('predictor-training'),
      );
      return {
        accessModes: at(find(objects, 'PersistentVolumeClaim', 'model-store'), 'spec', 'accessModes'),
        promote: at(training, 'data', 'TRAIN_PROMOTE'),
      };
    };
    assert.deepEqual(settings(BASE), { accessModes: ['ReadWriteMany'], promote: 'false' });
    assert.deepEqual(settings('overlays/local'), { accessModes: ['ReadWriteOnce'], promote: 'true' });
  });

  it('local exposes the dashboard on a NodePort and runs one predictor', () => {
    const objects = renderKustomization('overlays/local');
    const publisher = find(objects, 'Service', 'publisher');
    assert.equal(at(publisher, 'spec', 'type'), 'NodePort');
    assert.equal(at(asArray(at(publisher, 'spec', 'ports'))[0], 'nodePort'), DASHBOARD_NODE_PORT);
    assert.equal(at(find(objects, 'Deployment', 'predictor'), 'spec', 'replicas'), 1);
  });

  it('gpu runs the GPU predictor image with an nvidia.com/gpu limit on GPU nodes only', () => {
    const objects = renderKustomization('overlays/gpu');
    const template = podTemplate(find(objects, 'Deployment', 'predictor')) ?? {};
    const container = containersOf(template)[0] ?? {};
    assert.match(String(container['image']), /^fin-lakehouse\/predictor-gpu:/);
    assert.equal(at(container, 'resources', 'limits', 'nvidia.com/gpu'), 1);
    const env = asArray(container['env']).find((e) => at(e, 'name') === 'TF_BACKEND');
    assert.equal(at(env, 'value'), 'tfjs-node-gpu');
    assert.ok(backendChain().includes('tfjs-node-gpu'), "a backend libs/model's TF_BACKEND accepts");
    assert.equal(at(template, 'spec', 'nodeSelector', 'nvidia.com/gpu.present'), 'true');
    assert.ok(asArray(at(template, 'spec', 'tolerations')).some((t) => at(t, 'key') === 'nvidia.com/gpu'));
    const others = objects.filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'predictor');
    for (const o of others) {
      assert.equal(
        at(containersOf(podTemplate(o) ?? {})[0], 'resources', 'limits', 'nvidia.com/gpu'),
        undefined,
      );
    }
  });

  it('an autoscaled predictor has no fixed replica count for the autoscaler to fight', () => {
    for (const dir of ['overlays/cluster', 'overlays/cluster-hpa', 'overlays/gpu']) {
      assert.equal(
        at(find(renderKustomization(dir), 'Deployment', 'predictor'), 'spec', 'replicas'),
        undefined,
        dir,
      );
    }
  });
});
