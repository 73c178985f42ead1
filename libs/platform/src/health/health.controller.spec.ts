import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JsonLogger } from '../logging/json-logger';
import { PlatformModule } from '../platform.module';
import { ReadinessRegistry } from './readiness-registry';

const HTTP_OK = 200;
const HTTP_UNAVAILABLE = 503;

@Module({})
class EmptyStageModule {}

describe('the platform HTTP endpoints', () => {
  let app: INestApplication;
  let base: string;
  let consumerJoined = false;
  let consumerRestartable = true;

  before(async () => {
    const logger = new JsonLogger({ stage: 'spec', level: 'fatal', write: () => undefined });
    app = await NestFactory.create(
      { module: EmptyStageModule, imports: [PlatformModule.forRoot({ stage: 'spec', config: {}, logger })] },
      { logger },
    );
    app
      .get(ReadinessRegistry)
      .register('kafka-consumer', () => ({ up: consumerJoined, details: { joined: consumerJoined } }));
    app.get(ReadinessRegistry).register('throws', () => {
      if (!consumerJoined) throw new Error('not yet');
      return { up: true };
    });
    app.get(ReadinessRegistry).registerLiveness('kafka-consumer', () => ({ up: consumerRestartable }));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  after(async () => {
    await app.close();
  });

  it('answers liveness while readiness is down', async () => {
    consumerJoined = false;
    assert.equal((await fetch(`${base}/health`)).status, HTTP_OK);
    const ready = await fetch(`${base}/health/ready`);
    assert.equal(ready.status, HTTP_UNAVAILABLE);
    const body = (await ready.json()) as { error: Record<string, { status: string }> };
    assert.equal(body.error['kafka-consumer']?.status, 'down');
    assert.equal(body.error.throws?.status, 'down');
  });

  it('reports ready once every probe is up', async () => {
    consumerJoined = true;
    assert.equal((await fetch(`${base}/health/ready`)).status, HTTP_OK);
  });

  it('fails liveness when an adapter is broken beyond self-repair', async () => {
    consumerRestartable = false;
    const live = await fetch(`${base}/health`);
    consumerRestartable = true;
    assert.equal(live.status, HTTP_UNAVAILABLE);
    assert.equal(
      ((await live.json()) as { error: Record<string, unknown> }).error['kafka-consumer'] !== undefined,
      true,
    );
  });

  it('serves Prometheus text on /metrics with the stage label', async () => {
    const response = await fetch(`${base}/metrics`);
    assert.equal(response.status, HTTP_OK);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(await response.text(), /lakehouse_records_consumed_total/);
  });
});
