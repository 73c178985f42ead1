// Readiness through the admin API: the broker is ready when it answers DescribeCluster with a controller elected.
// Exit 0 when ready, 1 otherwise. Usage: node ready.mjs host:port[,host:port]
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../package.json', import.meta.url));
const { Kafka, logLevel } = require('kafkajs');

const brokers = (process.argv[2] ?? '').split(',').filter(Boolean);
const kafka = new Kafka({
  clientId: 'broker-ready',
  brokers,
  logLevel: logLevel.NOTHING,
  retry: { retries: 0 },
  connectionTimeout: 1000,
});
const admin = kafka.admin();
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  await admin.listTopics();
  process.exit(cluster.brokers.length > 0 && cluster.controller !== null ? 0 : 1);
} catch {
  process.exit(1);
} finally {
  await admin.disconnect().catch(() => {});
}
