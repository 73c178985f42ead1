import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type MessageProducer, type OutboundMessage, TOPICS } from '@lakehouse/bus';
import { createMulberry32, parseRawTick } from '@lakehouse/domain';
import { commonEnv, kafkaEnv, loadConfig } from '@lakehouse/platform';
import { describeTickFile, readTickFile } from '@lakehouse/tick-files';
import { z } from 'zod';
import { DEFAULT_SYNTHETIC_FEED, SyntheticTickSource } from '../feed/synthetic-ticks';
import { withProducer } from './with-bus';

export const FEED_USAGE = `ingestor feed synthetic [--symbols A,B,C] [--rate N/s] [--seed N] [--duration-s S | --count N]
  Publishes seeded synthetic ticks (GBM with jumps) to ticks.raw at a steady rate. For load tests.
ingestor feed replay <file> [--speed X] [--max-gap-s S]
  Replays a historical tick file to ticks.raw, keeping the inter-arrival times divided by --speed.
  env: KAFKA_BROKERS (required), EXCHANGE_TIME_ZONE (default America/New_York) to read replayed timestamps`;

const feedEnvSchema = z.object({
  ...commonEnv,
  ...kafkaEnv,
  EXCHANGE_TIME_ZONE: z.string().default('America/New_York'),
});

const TICK_INTERVAL_MS = 50;
const DEFAULT_SYMBOLS = 'AAPL,MSFT,NVDA,AMZN,GOOG,META,TSLA,JPM';

function numberOption(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= min)
    throw new Error(`--${name} must be a number > ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/** `ingestor feed …`: returns the exit code. */
export async function runFeed(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [mode, ...rest] = args;
  const config = loadConfig(feedEnvSchema, env);
  if (mode === 'synthetic') return withProducer('ingestor-feed', config, (p) => synthetic(rest, p));
  if (mode === 'replay')
    return withProducer('ingestor-feed', config, (p) => replay(rest, p, config.EXCHANGE_TIME_ZONE));
  throw new Error(`unknown feed mode ${JSON.stringify(mode ?? '')}\n${FEED_USAGE}`);
}

async function synthetic(args: readonly string[], producer: MessageProducer): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      symbols: { type: 'string', default: DEFAULT_SYMBOLS },
      rate: { type: 'string' },
      seed: { type: 'string' },
      'duration-s': { type: 'string' },
      count: { type: 'string' },
    },
  });
  const symbols = values.symbols
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const rate = numberOption('rate', values.rate, 1000);
  const seed = numberOption('seed', values.seed, 1, -1);
  const count = values.count === undefined ? Infinity : numberOption('count', values.count, 0);
  const durationMs =
    values['duration-s'] === undefined
      ? Infinity
      : numberOption('duration-s', values['duration-s'], 0) * 1000;
  const ticks = new SyntheticTickSource(
    { ...DEFAULT_SYNTHETIC_FEED, symbols, ratePerSec: rate, startMs: Date.now() },
    createMulberry32(seed),
  );

  const started = performance.now();
  let sent = 0;
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  while (!stop && sent < count && performance.now() - started < durationMs) {
    // Keep the wall-clock rate: send what is due by now, then sleep a tick interval.
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    const messages: OutboundMessage[] = [];
    for (; sent < due; sent++) {
      const tick = ticks.next();
      messages.push({ key: tick.symbol, value: Buffer.from(JSON.stringify(tick)) });
    }
    if (messages.length > 0) await producer.send(TOPICS.ticksRaw, messages);
    await sleep(TICK_INTERVAL_MS);
  }
  process.stderr.write(
    `published ${sent} synthetic ticks in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

async function replay(args: readonly string[], producer: MessageProducer, timeZone: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { speed: { type: 'string' }, 'max-gap-s': { type: 'string' } },
  });
  const [path] = positionals;
  if (path === undefined) throw new Error(`replay needs a file\n${FEED_USAGE}`);
  const speed = numberOption('speed', values.speed, 1);
  const maxGapMs = numberOption('max-gap-s', values['max-gap-s'], Infinity) * 1000;

  const info = await describeTickFile(path);
  let previousUs: bigint | undefined;
  let sent = 0;
  let skipped = 0;
  for await (const chunk of readTickFile(info)) {
    for (const record of chunk) {
      const parsed = parseRawTick(record.bytes, { exchangeTimeZone: timeZone });
      // A record that does not parse is still published: the ingestor dead-letters it, as it would live.
      const key = parsed.ok ? parsed.tick.symbol : null;
      if (parsed.ok) {
        if (previousUs !== undefined && parsed.tick.eventTimeUs > previousUs) {
          const gapMs = Math.min(Number(parsed.tick.eventTimeUs - previousUs) / 1000 / speed, maxGapMs);
          if (gapMs >= 1) await sleep(gapMs);
        }
        previousUs = parsed.tick.eventTimeUs;
      } else skipped++;
      await producer.send(TOPICS.ticksRaw, [{ key, value: record.bytes }]);
      sent++;
    }
  }
  process.stderr.write(`replayed ${sent} records from ${path} (${skipped} did not parse)\n`);
  return 0;
}
