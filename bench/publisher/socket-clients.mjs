// A child process of the publisher benchmarks: `count` socket.io clients; each `prediction` event's latency is
// receipt time minus its eventTimeUs, which the producer set to the wall-clock time it handed the record over.
// With `batch`, the clients subscribe in batch mode and take the predictions out of `signals` frames.
// A second histogram splits it: publishedAt (the publisher's clock when it emitted, ms) minus eventTimeUs.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { LatencyHistogram, nowUs, ROOT } from './lib.mjs';

const { io } = createRequire(join(ROOT, 'test', 'package.json'))('socket.io-client');
const SUBSCRIBE_TIMEOUT_MS = 30_000;

const histogram = new LatencyHistogram();
const toPublisher = new LatencyHistogram();
/** Events with an eventTimeUs from here on are measured; earlier ones are warm-up. */
let measureFromUs = Infinity;
let received = 0;
let duplicates = 0;
let disconnects = 0;
let closing = false;
const sockets = [];

// Never outlive the benchmark that forked us.
process.on('disconnect', () => process.exit(0));

process.on('message', async (message) => {
  if (message.type === 'start') {
    try {
      await start(message);
      process.send({ type: 'ready' });
    } catch (error) {
      process.send({ type: 'error', error: String(error) });
    }
  } else if (message.type === 'measure') {
    measureFromUs = message.fromUs;
  } else if (message.type === 'report') {
    closing = true;
    for (const socket of sockets) socket.disconnect();
    process.send(
      {
        type: 'report',
        buckets: histogram.sparse(),
        toPublisher: toPublisher.sparse(),
        received,
        duplicates,
        disconnects,
      },
      () => process.exit(0),
    );
  }
});

async function start({ url, token, count, first, symbols, batch }) {
  await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const subscription = symbols === '*' ? '*' : [symbols[(first + i) % symbols.length]];
      const socket = io(`${url}/signals`, { path: '/socket.io', transports: ['websocket'], auth: { token } });
      sockets.push(socket);
      const lastSeq = new Map();
      const onPrediction = (event, at) => {
        const previous = lastSeq.get(event.symbol);
        if (previous !== undefined && event.seq <= previous) {
          duplicates += 1;
          return;
        }
        lastSeq.set(event.symbol, event.seq);
        const sentUs = Number(event.eventTimeUs);
        if (sentUs < measureFromUs) return;
        received += 1;
        histogram.add((at - sentUs) / 1000);
        toPublisher.add(Math.max(0, Date.parse(event.publishedAt) - sentUs / 1000));
      };
      socket.on('prediction', (event) => onPrediction(event, nowUs()));
      socket.on('signals', (frame) => {
        const at = nowUs();
        for (const { name, payload } of frame) if (name === 'prediction') onPrediction(payload, at);
      });
      socket.on('disconnect', () => {
        if (!closing) disconnects += 1;
      });
      return new Promise((resolve, reject) => {
        socket.once('connect_error', (error) => reject(new Error(`connect_error ${error.message}`)));
        socket.once('connect', () => {
          socket
            .timeout(SUBSCRIBE_TIMEOUT_MS)
            .emit('subscribe', { symbols: subscription, batch }, (error, ack) =>
              error || !ack?.ok ? reject(new Error(`subscribe: ${error ?? JSON.stringify(ack)}`)) : resolve(),
            );
        });
      });
    }),
  );
}
