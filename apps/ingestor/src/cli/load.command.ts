// First: allocator and heap settings must be in place before the Delta binding loads (see process-memory.ts).
import { LOADER_MMAP_THRESHOLD_BYTES } from '../loader/process-memory';
import { parseArgs } from 'node:util';
import { encodeJson, LAKE_COMMIT_SCHEMA_VERSION, type LakeCommitNotification, TOPICS } from '@lakehouse/bus';
import { setMallocMmapThreshold } from '@lakehouse/delta';
import { assertTimeZone } from '@lakehouse/domain';
import { BRONZE_TICKS, DeltaLake } from '@lakehouse/lake';
import { commonEnv, kafkaBrokers, kafkaEnv, lakeEnv, loadConfig } from '@lakehouse/platform';
import { expandTickFileArgs } from '@lakehouse/tick-files';
import { z } from 'zod';
import { BronzeExactlyOnce } from '../bronze/bronze-exactly-once';
import { ProgressReporter } from '../loader/progress-reporter';
import { DEFAULT_COMMIT_BYTES, type FileLoadSummary, TickFileLoader } from '../loader/tick-file-loader';
import { withProducer } from './with-bus';

export const LOAD_USAGE = `ingestor load <file|dir|glob>... [--commit-records N] [--commit-mb N] [--report-bad N] [--json]
  Loads historical tick files (NDJSON or a JSON array, optionally .gz) into bronze.ticks, exactly once.
  env: LAKE_ROOT (required), EXCHANGE_TIME_ZONE (default America/New_York) for 'yyyy-MM-dd HH:mm:ss' timestamps,
       KAFKA_BROKERS (optional: notify lake.commits after each commit)`;

const loadEnvSchema = z.object({
  ...commonEnv,
  ...lakeEnv,
  ...kafkaEnv,
  KAFKA_BROKERS: kafkaBrokers.optional(),
  EXCHANGE_TIME_ZONE: z
    .string()
    .default('America/New_York')
    .refine(isTimeZone, 'not an IANA time zone this runtime knows'),
});

const DEFAULT_COMMIT_RECORDS = 250_000;
const DEFAULT_REPORT_BAD = 20;
const MIB = 1 << 20;
const MICROS_PER_MILLI = 1000n;

function isTimeZone(zone: string): boolean {
  try {
    assertTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** `ingestor load`: returns the process exit code (0 when every file was read to its end). */
export async function runLoad(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      'commit-records': { type: 'string' },
      'commit-mb': { type: 'string' },
      'report-bad': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new Error(`no files given\n${LOAD_USAGE}`);
  const config = loadConfig(loadEnvSchema, env);
  if (env.MALLOC_MMAP_THRESHOLD_ === undefined) await setMallocMmapThreshold(LOADER_MMAP_THRESHOLD_BYTES);
  const files = await expandTickFileArgs(positionals);
  const lake = new DeltaLake(config.LAKE_ROOT);
  const bronze = new BronzeExactlyOnce(lake);
  await bronze.ensureTables();

  const loaderOptions = {
    parser: { exchangeTimeZone: config.EXCHANGE_TIME_ZONE },
    commitRecords: positiveInt('commit-records', values['commit-records'], DEFAULT_COMMIT_RECORDS),
    commitBytes: positiveInt('commit-mb', values['commit-mb'], DEFAULT_COMMIT_BYTES / MIB) * MIB,
    reportBadRecords: positiveInt('report-bad', values['report-bad'], DEFAULT_REPORT_BAD),
    // The Delta lake hands a batch's arrays to the binding and keeps nothing once the commit has settled.
    reuseBatchMemory: true,
  };

  const loadAll = async (
    notify?: (version: bigint, rows: number) => Promise<void>,
  ): Promise<FileLoadSummary[]> => {
    const summaries: FileLoadSummary[] = [];
    for (const file of files) {
      const loader = new TickFileLoader(bronze, loaderOptions, {
        nowUs: () => BigInt(Date.now()) * MICROS_PER_MILLI,
        nowMs: () => performance.now(),
        onCommit: notify,
        progress: values.json
          ? undefined
          : new ProgressReporter({ isTTY: process.stderr.isTTY, write: (t) => process.stderr.write(t) }, () =>
              performance.now(),
            ),
      });
      const summary = await loader.load(file);
      summaries.push(summary);
      if (!values.json) printSummary(summary);
    }
    return summaries;
  };

  const summaries = config.KAFKA_BROKERS
    ? await withProducer('ingestor-load', { ...config, KAFKA_BROKERS: config.KAFKA_BROKERS }, (producer) =>
        loadAll(async (version, rows) => {
          const notification: LakeCommitNotification = {
            schemaVersion: LAKE_COMMIT_SCHEMA_VERSION,
            table: BRONZE_TICKS.name,
            version: String(version),
            batchId: `load/${version}`,
            recordCount: rows,
            committedAt: new Date().toISOString(),
          };
          await producer.send(TOPICS.lakeCommits, [
            { key: BRONZE_TICKS.name, value: encodeJson(notification) },
          ]);
        }),
      )
    : await loadAll();
  if (values.json)
    process.stdout.write(
      JSON.stringify(summaries, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) + '\n',
    );
  return 0;
}

function printSummary(s: FileLoadSummary): void {
  const mb = s.bytes / (1024 * 1024);
  const seconds = s.elapsedMs / 1000;
  const lines = [
    `${s.path} (sha256 ${s.fileId.slice(0, 12)}…)`,
    s.resumedFrom > 0
      ? `  resumed at record ${s.resumedFrom}: earlier records were already in bronze.ticks`
      : '',
    `  ${s.records} records read, ${s.loaded} loaded, ${s.rejected} rejected, ${s.commits.length} commits`,
    `  ${mb.toFixed(1)} MB in ${seconds.toFixed(1)} s (${(mb / Math.max(seconds, 1e-9)).toFixed(1)} MB/s)`,
    ...s.badRecords.map((b) => `  line ${b.line}: ${b.code}: ${b.message}`),
    s.rejected > s.badRecords.length
      ? `  … ${s.rejected - s.badRecords.length} more in bronze.quarantine`
      : '',
  ];
  process.stdout.write(lines.filter(Boolean).join('\n') + '\n');
}
