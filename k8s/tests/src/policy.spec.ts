import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { BASE, FIXTURES_DIR, OVERLAYS } from './repo-paths';
import type { K8sObject } from './k8s-object';
import { topologyOf } from './topology';
import {
  loadAppConfig,
  loadPipelineTopology,
  loadPredictorCliSchema,
  PIPELINE_APPS,
  type AppConfigModule,
  type EnvSchema,
} from './app-config.reader';
import { checkSecretEnv } from './policies/secret-env.policy';
import { checkModelStore } from './policies/model-store.policy';
import { checkPublisherGroups } from './policies/publisher-groups.policy';
import { checkTopology, type PipelineTopology } from './policies/topology.policy';
import { checkPodSecurity } from './policies/pod-security.policy';
import { checkAppConfigs, parsedAppConfig } from './policies/app-config.policy';
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
const PUBLISHER = 'publisher';
let apps: AppConfigModule[] = [];
let predictor: AppConfigModule;
let publisher: AppConfigModule;
let predictorCli: EnvSchema;
let pipelineTopology: PipelineTopology;

before(async () => {
  apps = await Promise.all(PIPELINE_APPS.map((app) => loadAppConfig(app)));
  pipelineTopology = await loadPipelineTopology();
  predictorCli = await loadPredictorCliSchema();
  predictor = apps.find((a) => a.app === PREDICTOR) as AppConfigModule;
  publisher = apps.find((a) => a.app === PUBLISHER) as AppConfigModule;
});

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

/** What the predictor itself will use with the env these manifests give it (its config, apps/predictor/src/config). */
function fromPredictorConfig(objects: readonly K8sObject[]): ScalerExpectation {
  const config = parsedAppConfig(objects, predictor);
  const topic = predictor.topics['input'];
  assert.equal(typeof config['KAFKA_GROUP_ID'], 'string', 'the predictor config has KAFKA_GROUP_ID');
  assert.equal(typeof topic, 'string', 'the predictor config exports PREDICTOR_TOPICS.input');
  assert.ok(!config['KAFKA_NAMESPACE'], 'no KAFKA_NAMESPACE prefix: the group on the wire is KAFKA_GROUP_ID');
  return {
    ...fromTopology(objects),
    consumerGroup: config['KAFKA_GROUP_ID'] as string,
    topic: topic as string,
    source: 'apps/predictor/src/config',
  };
}

function allViolations(objects: readonly K8sObject[]): Violation[] {
  return [
    ...checkWorkloads(objects),
    ...checkPodSecurity(objects),
    ...checkScrapeAnnotations(objects),
    ...checkDisruptionBudgets(objects),
    ...checkServicePorts(objects),
    ...checkScalers(objects, fromTopology(objects)),
    ...checkScalers(objects, fromPredictorConfig(objects)),
    ...checkAppConfigs(objects, apps),
    ...checkTopology(objects, apps, pipelineTopology),
    ...checkSecretEnv(objects, apps),
    ...checkModelStore(objects, predictorCli),
    ...checkPublisherGroups(objects, publisher),
  ];
}

describe('policy: the real manifests pass', () => {
  for (const dir of [BASE, ...OVERLAYS]) {
    it(`${dir} has probes, resources, non-root read-only pods, pinned images, matching ports and scalers`, () => {
      const violations = allViolations(renderKustomization(dir));
      assert.equal(formatViolations(violations), '');
    });
  }

  it('the KEDA overlays scale the predictor on its consumer group and input topic, capped at its partitions', () => {
    for (const dir of ['overlays/cluster', 'overlays/gpu']) {
      const objects = renderKustomization(dir);
      const scaledObject = objects.find((o) => o.kind === 'ScaledObject');
      assert.ok(scaledObject, `${dir} has a ScaledObject`);
      const expected = fromPredictorConfig(objects);
      assert.deepEqual(checkScalers(objects, expected), []);
    }
    assert.ok(renderKustomization('overlays/cluster-hpa').some((o) => o.kind === 'HorizontalPodAutoscaler'));
  });

  it("reads each app's required and sensitive keys from its own schema", () => {
    assert.deepEqual(
      publisher.requiredKeys
        .filter((k) => ['KAFKA_BROKERS', 'LAKE_ROOT', 'PUBLISHER_AUTH_SECRET'].includes(k))
        .sort(),
      ['KAFKA_BROKERS', 'LAKE_ROOT', 'PUBLISHER_AUTH_SECRET'],
    );
    assert.ok(publisher.sensitiveKeys.includes('PUBLISHER_AUTH_SECRET'), publisher.sensitiveKeys.join());
    assert.ok(!publisher.sensitiveKeys.includes('LAKE_ROOT'));
    assert.ok(!predictor.requiredKeys.includes('MODEL_STORE_DIR'), 'a cross-key rule, left to the schema');
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
    ['request-above-limit', 'REQUEST_ABOVE_LIMIT', 'Deployment/predictor'],
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
    ['app-port-mismatch', 'APP_PORT_MISMATCH', 'Deployment/ingestor'],
    ['pod-security-violation', 'POD_SECURITY_RESTRICTED', 'Deployment/refiner'],
    ['secret-as-literal', 'SECRET_NOT_FROM_SECRET', 'Deployment/publisher'],
    ['model-store-not-shared', 'MODEL_STORE_MISMATCH', 'CronJob/predictor-train'],
    ['live-group-shared', 'LIVE_GROUP_NOT_PER_POD', 'Deployment/publisher'],
    ['gold-group-per-pod', 'GOLD_GROUP_NOT_SHARED', 'Deployment/publisher'],
  ];
  for (const [fixture, code, object] of cases) {
    it(`fixtures/${fixture} fails with ${code} on ${object}, and nothing else`, () => {
      const violations = allViolations(renderKustomization(join(FIXTURES_DIR, fixture)));
      assert.ok(violations.length > 0, 'the fixture must fail');
      for (const v of violations)
        assert.deepEqual([v.code, v.object], [code, object], formatViolations(violations));
    });
  }

  it('fixtures/required-key-unset: a Deployment without a key its app requires fails, naming the key', () => {
    const violations = allViolations(renderKustomization(join(FIXTURES_DIR, 'required-key-unset')));
    assert.ok(violations.length > 0, 'the fixture must fail');
    for (const v of violations)
      assert.deepEqual(
        [v.code, v.object],
        ['APP_CONFIG_INVALID', 'Deployment/publisher'],
        formatViolations(violations),
      );
    assert.match(
      formatViolations(violations),
      /publisher requires PUBLISHER_AUTH_SECRET, which its Deployment/,
    );
  });

  it('fixtures/app-config-invalid: an env no service accepts fails all five', () => {
    // Only the config rule: the scaler check needs a predictor config that parses.
    const violations = checkAppConfigs(renderKustomization(join(FIXTURES_DIR, 'app-config-invalid')), apps);
    assert.deepEqual(
      violations.map((v) => `${v.code} ${v.object}`).sort(),
      PIPELINE_APPS.map((app) => `APP_CONFIG_INVALID Deployment/${app}`).sort(),
      formatViolations(violations),
    );
  });

  it('fixtures/topology-partitions-drift: services that would create other partition counts than the Job fail', () => {
    const violations = allViolations(renderKustomization(join(FIXTURES_DIR, 'topology-partitions-drift')));
    assert.ok(violations.length > 0, 'the fixture must fail');
    for (const v of violations) assert.equal(v.code, 'TOPOLOGY_MISMATCH', formatViolations(violations));
    assert.match(formatViolations(violations), /ticks\.raw: the service creates 3, the Job 6/);
  });

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
