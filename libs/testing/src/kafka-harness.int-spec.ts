import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { acquireKafka, type KafkaHandle } from './kafka-harness';

describe('acquireKafka', () => {
  let handle: KafkaHandle;
  before(async () => {
    handle = await acquireKafka();
  });
  after(async () => {
    await handle.stop();
  });

  it('gives a broker whose admin API answers and which refuses to auto-create topics', async () => {
    const kafka = new Kafka({
      clientId: 'harness-test',
      brokers: handle.brokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      assert.ok(cluster.brokers.length >= 1);
      const topic = `harness-probe-${process.pid}`;
      await assert.rejects(admin.fetchTopicMetadata({ topics: [topic] }));
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      assert.equal(meta.topics[0]?.partitions.length, 3);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('acquireKafka with KAFKA_BROKERS set', () => {
  it('uses the given brokers and starts nothing', async () => {
    const handle = await acquireKafka({ KAFKA_BROKERS: ' 127.0.0.2:9092 , 127.0.0.3:9092' });
    assert.equal(handle.source, 'env');
    assert.deepEqual(handle.brokers, ['127.0.0.2:9092', '127.0.0.3:9092']);
    await handle.stop();
  });
});
