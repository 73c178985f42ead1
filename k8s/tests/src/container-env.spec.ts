import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnvEntries, expandEnvValue, type EnvEntry } from './container-env';
import type { K8sObject } from './k8s-object';

const defined = new Map<string, EnvEntry>([['POD_NAME', { value: 'publisher-abc', source: 'field' }]]);

describe('container env as Kubernetes resolves it', () => {
  it('expands $(NAME) of an earlier variable, reduces $$ to $, and leaves unknown references alone', () => {
    const cases: [string, string][] = [
      ['publisher-live-$(POD_NAME)', 'publisher-live-publisher-abc'],
      ['$$(POD_NAME)', '$(POD_NAME)'],
      ['$(UNKNOWN)-x', '$(UNKNOWN)-x'],
      ['plain', 'plain'],
    ];
    for (const [value, expected] of cases) assert.equal(expandEnvValue(value, defined), expected, value);
  });

  it('records where each value comes from, env entries overriding envFrom', () => {
    const objects: K8sObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { A: 'from-cm', B: 'b' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { S: 'secret' } },
    ];
    const workload: K8sObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'job' },
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'c',
                    envFrom: [{ configMapRef: { name: 'cm' } }, { secretRef: { name: 's' } }],
                    env: [
                      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                      { name: 'A', value: '$(B)-$(POD)' },
                    ],
                  },
                ],
              },
            },
          },
        },
      },
    };
    const env = containerEnvEntries(objects, workload, { podName: 'job-1' });
    assert.deepEqual(Object.fromEntries(env), {
      A: { value: 'b-job-1', source: 'literal' },
      B: { value: 'b', source: 'configMap' },
      S: { value: 'secret', source: 'secret' },
      POD: { value: 'job-1', source: 'field' },
    });
  });
});
