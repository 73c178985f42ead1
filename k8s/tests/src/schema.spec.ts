import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { renderKustomization } from './render';
import { BASE, FIXTURES_DIR, OVERLAYS } from './repo-paths';
import { loadK8sTools } from './k8s-tools';
import { CoreSchemaValidator } from './schema/core-schema.validator';
import { isCustomResource, validateCustomResource } from './schema/crd-schema.validator';
import { describe as name, type K8sObject } from './k8s-object';

const tools = loadK8sTools();
const core = new CoreSchemaValidator(tools.schemaDir);

async function schemaErrors(objects: readonly K8sObject[]): Promise<string[]> {
  const errors: string[] = [];
  for (const object of objects) {
    const found = isCustomResource(object) ? await validateCustomResource(object) : core.validate(object);
    errors.push(...found.map((e) => `${name(object)}: ${e}`));
  }
  return errors;
}

describe(`every rendered object validates against the Kubernetes ${tools.kubernetesVersion} schemas`, () => {
  it('maps apiVersion and kind to the schema file names of the pinned version', () => {
    assert.equal(CoreSchemaValidator.schemaFile('apps/v1', 'Deployment'), 'deployment-apps-v1.json');
    assert.equal(CoreSchemaValidator.schemaFile('v1', 'Service'), 'service-v1.json');
    assert.equal(
      CoreSchemaValidator.schemaFile('autoscaling/v2', 'HorizontalPodAutoscaler'),
      'horizontalpodautoscaler-autoscaling-v2.json',
    );
    assert.equal(
      CoreSchemaValidator.schemaFile('networking.k8s.io/v1', 'Ingress'),
      'ingress-networking-v1.json',
    );
  });

  for (const dir of [BASE, ...OVERLAYS]) {
    it(`${dir}: no schema errors, no object of an unknown kind`, async () => {
      assert.deepEqual(await schemaErrors(renderKustomization(dir)), []);
    });
  }

  it('the cluster overlay includes both custom resources, so their schemas are exercised', () => {
    const kinds = renderKustomization('overlays/cluster')
      .filter(isCustomResource)
      .map((o) => o.kind)
      .sort();
    assert.deepEqual(kinds, ['ScaledObject', 'ServiceMonitor']);
  });
});

describe('the schema check fails on bad manifests', () => {
  it('rejects an unknown field and a string where an integer belongs (strict core schema)', async () => {
    const errors = await schemaErrors(renderKustomization(join(FIXTURES_DIR, 'schema-invalid')));
    assert.equal(
      errors.filter((e) => e.startsWith('Deployment/ingestor: /spec ') && e.includes('"replica"')).length,
      1,
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('Deployment/ingestor: /spec/revisionHistoryLimit')),
      errors.join('\n'),
    );
  });

  it('rejects a misspelt KEDA key and a string replica cap (CRD schema + known fields)', async () => {
    const errors = await schemaErrors(renderKustomization(join(FIXTURES_DIR, 'crd-invalid')));
    assert.ok(
      errors.some((e) => e.includes('unknown field "consumergroup"')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.includes('maxReplicaCount must be integer')),
      errors.join('\n'),
    );
  });

  it('rejects a kind the pinned version does not have', () => {
    const object: K8sObject = { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'old' } };
    assert.deepEqual(core.validate(object), [
      'no schema deployment-apps-v1beta1.json for apps/v1beta1 Deployment',
    ]);
  });
});
