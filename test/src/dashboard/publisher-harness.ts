import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Namespace,
  type Prediction,
  signalRecords,
  type TickOutcome,
  tickOutcomeRecords,
  TOPICS,
} from '@lakehouse/bus';
import { acquireKafka, type KafkaHandle } from '@lakehouse/testing';
import { type Admin, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { createTopology, eventually, freePort, REPO_ROOT, StageProcess } from '../stage-process';

const PARTITIONS = 3;
const READY_TIMEOUT_MS = 60_000;
export const GOLD_TIMEOUT_MS = 30_000;
const EPOCH_US = BigInt(Date.UTC(2024, 0, 2, 14, 30)) * 1000n;
export const MODEL_VERSION = 'gru-e2e-1';
const LABEL_VERSION = 'jump-v1';

export interface GoldRow {
  eventId: string;
  symbol: string;
  eventTimeUs: string;
  predictedLabel: number;
  actualLabel: number | null;
}

interface GoldPage {
  rows: GoldRow[];
  nextCursor: string | null;
  tableVersion: number;
}

/** A test event: one prediction and, later, maybe its outcome. */
export interface TestEvent {
  readonly n: number;
  readonly symbol: string;
  readonly eventId: string;
  readonly eventTimeUs: string;
  readonly predictedLabel: 0 | 1;
}

export function testEvent(n: number, symbol: string, predictedLabel: 0 | 1): TestEvent {
  return {
    n,
    symbol,
    eventId: createHash('sha256').update(`dashboard-e2e/${symbol}/${n}`).digest('hex'),
    eventTimeUs: String(EPOCH_US + BigInt(n) * 1_000_000n),
    predictedLabel,
  };
}

/**
 * The real publisher as an OS process on a real broker, with its own namespace and temp lake; the test plays the
 * predictor (records into `signals.predictions`) and the refiner (`ticks.outcomes`).
 */
export class PublisherHarness {
  private constructor(
    private readonly kafka: KafkaHandle,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly namespace: Namespace,
    private readonly lakeRoot: string,
    readonly app: StageProcess,
    readonly token: string,
  ) {}

  static async start(extraEnv: Readonly<Record<string, string>> = {}): Promise<PublisherHarness> {
    const kafka = await acquireKafka();
    const client = new Kafka({
      clientId: 'dashboard-e2e',
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = client.admin();
    await admin.connect();
    const namespace = new Namespace(`e2e-dash-${randomUUID().slice(0, 8)}`);
    await createTopology(admin, namespace, PARTITIONS);
    const producer = client.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const lakeRoot = mkdtempSync(join(tmpdir(), 'e2e-dash-lake-'));
    const secret = randomBytes(32).toString('hex');
    const env = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_NAMESPACE: namespace.wire('').slice(0, -1),
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      LAKE_ROOT: lakeRoot,
      PUBLISHER_AUTH_SECRET: secret,
      LOG_LEVEL: 'log',
      ...extraEnv,
    };
    const app = new StageProcess('publisher', await freePort(), env);
    await eventually(
      'publisher ready',
      async () => {
        const response = await fetch(`${app.url}/health/ready`).catch(() => undefined);
        return response?.status === 200 ? true : undefined;
      },
      READY_TIMEOUT_MS,
      () => app.logs().slice(-4_000),
    );
    // The token comes from the publisher's own CLI, as an operator would mint it.
    const token = execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'apps/publisher/dist/cli.js'), 'token', '--sub', 'dashboard-e2e', '--ttl', '1h'],
      { env: { PATH: process.env.PATH, PUBLISHER_AUTH_SECRET: secret }, encoding: 'utf8' },
    ).trim();
    return new PublisherHarness(kafka, admin, producer, namespace, lakeRoot, app, token);
  }

  async stop(): Promise<void> {
    this.app.signal('SIGKILL');
    await this.producer.disconnect();
    await this.admin.disconnect();
    await this.kafka.stop();
    rmSync(this.lakeRoot, { recursive: true, force: true });
  }

  /** The events' predictions as the predictor sends them: runs per symbol (schema 2). */
  async publishPredictions(events: readonly TestEvent[]): Promise<void> {
    const producedAt = new Date().toISOString();
    const predictions = events.map((e): Prediction => ({
      schemaVersion: 1,
      kind: 'prediction',
      eventId: e.eventId,
      symbol: e.symbol,
      eventTimeUs: e.eventTimeUs,
      price: 100 + Math.sin(e.n / 3) * 2,
      probability: e.predictedLabel === 1 ? 0.8 : 0.2,
      predictedLabel: e.predictedLabel,
      threshold: 0.5,
      modelVersion: MODEL_VERSION,
      backend: 'onnx-cpu',
      labelVersion: LABEL_VERSION,
      silverVersion: '1',
      inferenceLatencyMs: 1,
      producedAt,
    }));
    await this.producer.send({
      topic: this.namespace.wire(TOPICS.signalsPredictions),
      messages: [...signalRecords(predictions)].map((m) => ({ ...m })),
    });
  }

  /** The events' outcomes as the refiner sends them: runs per symbol (schema 2). */
  async publishOutcomes(events: readonly TestEvent[], label: (e: TestEvent) => 0 | 1): Promise<void> {
    const outcomes = events.map((e): TickOutcome => ({
      schemaVersion: 1,
      eventId: e.eventId,
      symbol: e.symbol,
      eventTimeUs: e.eventTimeUs,
      horizonEventId: createHash('sha256').update(`horizon/${e.eventId}`).digest('hex'),
      realizedReturn: label(e) === 1 ? 0.02 : 0.0005,
      threshold: 0.01,
      label: label(e),
      labelVersion: LABEL_VERSION,
      silverVersion: '2',
    }));
    await this.producer.send({
      topic: this.namespace.wire(TOPICS.ticksOutcomes),
      messages: [...tickOutcomeRecords(outcomes)].map((m) => ({ ...m })),
    });
  }

  async goldPage(symbol: string, version?: number): Promise<GoldPage> {
    const query = new URLSearchParams({ symbol, limit: '1000' });
    if (version !== undefined) query.set('version', String(version));
    const response = await fetch(`${this.app.url}/api/gold/predictions?${query.toString()}`, {
      headers: { Authorization: `Bearer ${this.token}` },
    });
    if (!response.ok) throw new Error(`gold.predictions: ${response.status} ${await response.text()}`);
    return (await response.json()) as GoldPage;
  }

  /** The gold.predictions version the API reads `asOf` an instant (what the page's as-of picker asks for). */
  async versionAsOf(asOf: string): Promise<number> {
    const url = `${this.app.url}/api/gold/predictions?limit=1&asOf=${encodeURIComponent(asOf)}`;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${this.token}` } });
    if (!response.ok) throw new Error(`asOf ${asOf}: ${response.status} ${await response.text()}`);
    return Number(((await response.json()) as { tableVersion: number | string }).tableVersion);
  }

  /** gold.predictions' commit time of `version` (ISO-8601), from the table history API. */
  async commitTime(version: number): Promise<string> {
    const response = await fetch(`${this.app.url}/api/tables/gold.predictions/history?limit=1000`, {
      headers: { Authorization: `Bearer ${this.token}` },
    });
    if (!response.ok) throw new Error(`history: ${response.status} ${await response.text()}`);
    const entry = ((await response.json()) as { version: number; timestamp: string }[]).find(
      (h) => h.version === version,
    );
    if (!entry) throw new Error(`version ${version} is not in the history`);
    return entry.timestamp;
  }

  /** Waits until Gold holds every event as `accept` wants it; returns the table version where it first did. */
  async goldVersionWhere(
    what: string,
    symbol: string,
    accept: (rows: Map<string, GoldRow>) => boolean,
  ): Promise<number> {
    return eventually(
      what,
      async () => {
        const page = await this.goldPage(symbol).catch(() => undefined);
        if (!page) return undefined;
        return accept(new Map(page.rows.map((r) => [r.eventId, r]))) ? page.tableVersion : undefined;
      },
      GOLD_TIMEOUT_MS,
      () => this.app.logs().slice(-4_000),
    );
  }
}
