import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter } from 'prom-client';
import { PipelineMetrics } from './pipeline-metrics';

describe('PipelineMetrics', () => {
  it('exposes default process metrics and the pipeline metrics labelled with the stage', async () => {
    const metrics = new PipelineMetrics('predictor');
    metrics.recordsConsumed.inc({ topic: 'ticks.refined' }, 3);
    metrics.consumerLag.set({ topic: 'ticks.refined', partition: '1' }, 42);
    const text = await metrics.registry.metrics();
    assert.match(text, /process_cpu_user_seconds_total\{stage="predictor"\}/);
    assert.match(text, /lakehouse_records_consumed_total\{topic="ticks.refined",stage="predictor"\} 3/);
    assert.match(text, /lakehouse_consumer_lag\{topic="ticks.refined",partition="1",stage="predictor"\} 42/);
  });

  it("registers a stage's own metric on the app registry, apart from other apps' registries", async () => {
    const first = new PipelineMetrics('ingestor');
    const second = new PipelineMetrics('refiner');
    first.register(new Counter({ name: 'bronze_rows_total', help: 'rows appended', registers: [] })).inc();
    assert.match(await first.registry.metrics(), /bronze_rows_total\{stage="ingestor"\} 1/);
    assert.doesNotMatch(await second.registry.metrics(), /bronze_rows_total/);
  });
});
