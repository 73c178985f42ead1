import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Namespace } from './bus-options';
import { pipelineTopology, TOPICS } from './topology';

const PARTITIONS = 6;

describe('pipelineTopology', () => {
  it('creates every pipeline topic, with one partition for lake.commits and the configured count elsewhere', () => {
    const topology = pipelineTopology({ partitions: PARTITIONS, replicationFactor: 1 });
    assert.deepEqual(topology.map((t) => t.name).sort(), Object.values(TOPICS).sort());
    for (const spec of topology) {
      assert.equal(spec.partitions, spec.name === TOPICS.lakeCommits ? 1 : PARTITIONS, spec.name);
    }
  });
});

describe('Namespace', () => {
  it('prefixes wire names and strips the prefix back, and is the identity when empty', () => {
    const ns = new Namespace('e2e-42');
    assert.equal(ns.wire(TOPICS.ticksRaw), 'e2e-42.ticks.raw');
    assert.equal(ns.logical('e2e-42.ticks.raw'), TOPICS.ticksRaw);
    assert.equal(new Namespace(undefined).wire(TOPICS.ticksRaw), TOPICS.ticksRaw);
  });
});
