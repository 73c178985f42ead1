import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { BASE, FIXTURES_DIR, OVERLAYS, PREDICTOR_CONFIG_DIR } from './repo-paths';
import type { K8sObject } from './k8s-object';
import { topologyOf } from './topology';
import { readPredictorConfigDefaults } from './predictor-config.reader';
import {
  checkDisruptionBudgets,
  checkScrapeAnnotations,
  checkWorkloads,
  isMutableImage,
} from './policies/workload.policy';
import { checkServicePorts } from './policies/service-port.policy';
import { checkScalers, type ScalerExpectation } from './policies/scaler.policy';
import { formatViolations, type Violation, type ViolationCode } from './policies/violation';

const PREDICTOR = 'predictor';
/** The contract the predictor is written to, used only while apps/predictor/src/config/ does not exist yet. */
const CONTRACT = { consumerGroup: 'predictor', topic: 'ticks.refined' } as const;

function fromTopology(objects: readonly K8sObject[]): ScalerExpectation {
  const t = topologyOf(objects);
  return {
    deployment: PREDICTOR,
    consumerGroup: t.predictorConsumerGroup,
    topic: t.predictorInputTopic,
    partitions: t.partitionsByTopic.get(t.predictorInputTopic) ?? 0,
    source: 'k8s kafka-topology',
  };
}

/** The predictor's own defaults; the topology gives only the partition count, which the app does not know. */
function fromPredictorConfig(objects: readonly K8sObject[]): ScalerExpectation {
  const topology = fromTopology(objects);
  const config = readPredictorConfigDefaults(PREDICTOR_CONFIG_DIR);
  if (config === undefined)
    return { ...topology, ...CONTRACT, source: 'the predictor contract (no config/ yet)' };
  assert.ok(
    config.consumerGroup,
    `no consumer group default found in ${PREDICTOR_CONFIG_DIR}/${config.files.join(', ')}`,
  );
  assert.ok(
    config.topicLiterals.includes(topology.topic),
    `${PREDICTOR_CONFIG_DIR} never names ${topology.topic} (it names ${config.topicLiterals.join(', ')})`,
  );
  return { ...topology, consumerGroup: config.consumerGroup, source: 'apps/predictor/src/config' };
}

function allViolations(objects: readonly K8sObject[]): Violation[] {
  return [
    ...checkWorkloads(objects),
    ...checkScrapeAnnotations(objects),
    ...checkDisruptionBudgets(objects),
    ...checkServicePorts(objects),
    ...checkScalers(objects, fromTopology(objects)),
    ...checkScalers(objects, fromPredictorConfig(objects)),
  ];
}

describe('policy: the real manifests pass', () => {
  for (const dir of [BASE, ...OVERLAYS]) {
    it(`${dir} has probes, resources, non-root read-only pods, pinned images, matching ports and scalers`, () => {
      const violations = allViolations(renderKustomization(dir));
      assert.equal(formatViolations(violations), '');
    });
  }

  it('the KEDA overlays scale the predictor on its consumer group and input topic, capped at its partitions', (t) => {
    if (readPredictorConfigDefaults(PREDICTOR_CONFIG_DIR) === undefined) {
      t.diagnostic(
        `${PREDICTOR_CONFIG_DIR} does not exist yet: compared against the k8s topology and the contract`,
      );
    }
    for (const dir of ['overlays/cluster', 'overlays/gpu']) {
      const objects = renderKustomization(dir);
      const scaledObject = objects.find((o) => o.kind === 'ScaledObject');
      assert.ok(scaledObject, `${dir} has a ScaledObject`);
      const expected = fromPredictorConfig(objects);
      assert.deepEqual(checkScalers(objects, expected), []);
    }
    assert.ok(renderKustomization('overlays/cluster-hpa').some((o) => o.kind === 'HorizontalPodAutoscaler'));
  });

  it('treats untagged and latest images as mutable, and registry ports as no tag', () => {
    const cases: [string, boolean][] = [
      ['fin-lakehouse/predictor', true],
      ['fin-lakehouse/predictor:latest', true],
      ['localhost:5000/predictor', true],
      ['localhost:5000/predictor:0.1.0', false],
      ['apache/kafka:4.1.1', false],
      ['busybox@sha256:0123abcd', false],
    ];
    for (const [image, mutable] of cases) assert.equal(isMutableImage(image), mutable, image);
  });
});

describe('policy: each rule fails on a manifest that breaks it', () => {
  const cases: [fixture: string, code: ViolationCode, object: string][] = [
    ['no-probes', 'MISSING_PROBE', 'Deployment/ingestor'],
    ['no-resources', 'MISSING_RESOURCES', 'Deployment/refiner'],
    ['root-user', 'NOT_NON_ROOT', 'Deployment/publisher'],
    ['writable-root', 'WRITABLE_ROOT_FILESYSTEM', 'Deployment/maintainer'],
    ['latest-tag', 'MUTABLE_IMAGE_TAG', 'Deployment/predictor'],
    ['service-port-mismatch', 'SERVICE_PORT_MISMATCH', 'Service/publisher'],
    ['no-disruption-budget', 'MISSING_DISRUPTION_BUDGET', 'Deployment/predictor'],
    ['no-scrape-annotations', 'MISSING_SCRAPE_ANNOTATIONS', 'Deployment/refiner'],
    ['scaler-wrong-group', 'SCALER_GROUP_MISMATCH', 'ScaledObject/predictor'],
    ['scaler-wrong-topic', 'SCALER_TOPIC_MISMATCH', 'ScaledObject/predictor'],
    ['scaler-above-partitions', 'SCALER_ABOVE_PARTITIONS', 'ScaledObject/predictor'],
    ['hpa-above-partitions', 'SCALER_ABOVE_PARTITIONS', 'HorizontalPodAutoscaler/predictor'],
  ];
  for (const [fixture, code, object] of cases) {
    it(`fixtures/${fixture} fails with ${code} on ${object}, and nothing else`, () => {
      const violations = allViolations(renderKustomization(join(FIXTURES_DIR, fixture)));
      assert.ok(violations.length > 0, 'the fixture must fail');
      for (const v of violations)
        assert.deepEqual([v.code, v.object], [code, object], formatViolations(violations));
    });
  }

  it("fixtures/topology-group-drift: a topology that disagrees with the predictor's config fails", () => {
    const objects = renderKustomization(join(FIXTURES_DIR, 'topology-group-drift'));
    assert.deepEqual(checkScalers(objects, fromTopology(objects)), [], 'KEDA follows the k8s topology…');
    const violations = checkScalers(objects, fromPredictorConfig(objects));
    assert.deepEqual(
      violations.map((v) => v.code),
      ['SCALER_GROUP_MISMATCH'],
      '…which no longer matches the predictor',
    );
  });
});
