import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { type DeltaTable, SqlSession } from '@lakehouse/delta';
import { type MaintenanceRunRow } from '@lakehouse/lake';
import { ConfigError, errorCode, errorMessage, loadConfig } from '@lakehouse/platform';
import {
  CHECK_NAMES,
  type CheckName,
  formatResults,
  runVerification,
  verificationExitCode,
} from '@lakehouse/verification';
import { type MaintainerConfig, maintainerConfigSchema } from './config/maintainer.config';
import { MaintainerError } from './maintainer-error';
import { assertReadOnlySelect } from './ops/read-only-sql';
import { planRestore, restoreTable } from './ops/restore';
import { humanBytes, renderJson, renderTable } from './ops/render';
import { maintainedTable } from './tables/maintained-tables';
import { UPKEEP_OPERATIONS, type UpkeepOperation } from './upkeep/upkeep-schedule';
import { createUpkeep, type Upkeep } from './upkeep/upkeep.factory';

const USAGE = `usage: maintainer <command> [--json] [--lake-root DIR]
  tables                                   version, size, files and small-file ratio of every table
  history <table> [--limit N]              commits, newest first
  describe <table>                         schema, partitioning, properties, size
  query <table> <select> [--version N | --as-of ISO-8601]
                                           one read-only SELECT; the table is \`t\` (and e.g. \`silver_ticks\`)
  restore <table> --version N [--yes]      write version N's rows back (asks first unless --yes)
  plan                                     the next upkeep, dry run: what is due and what it would do
  run <operation> <table> [--dry-run] [--retention-hours H] [--force] [--always]
                                           one upkeep operation now (${UPKEEP_OPERATIONS.join(', ')})
  upkeep                                   one pass of whatever upkeep is due now
  verify [--checks a,b] [--bronze-version N]
                                           the verification suite; exit code 1 when a check fails`;

const MICROS_PER_MS = 1000n;

interface Args {
  readonly positional: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

const VALUE_FLAGS = new Set([
  '--limit',
  '--version',
  '--as-of',
  '--retention-hours',
  '--lake-root',
  '--checks',
  '--bronze-version',
]);

function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split('=', 2) as [string, string | undefined];
    if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[(i += 1)];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    } else {
      flags.set(name, true);
    }
  }
  return { positional, flags };
}

class UsageError extends Error {}

function numberFlag(args: Args, name: string): number | undefined {
  const value = args.flags.get(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value === true || !Number.isFinite(n)) throw new UsageError(`${name} needs a number`);
  return n;
}

function stringFlag(args: Args, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** The CLI's output: a table on a terminal (and in pipes), JSON with --json. */
class Output {
  constructor(private readonly json: boolean) {}

  rows(columns: readonly string[], rows: readonly object[]): void {
    process.stdout.write(`${this.json ? renderJson(rows) : renderTable(columns, rows)}\n`);
  }

  value(value: unknown, text: string): void {
    process.stdout.write(`${this.json ? renderJson(value) : text}\n`);
  }
}

async function openTable(upkeep: Upkeep, name: string): Promise<DeltaTable> {
  const table = await upkeep.lake.open(maintainedTable(name));
  if (table === undefined) throw new MaintainerError('TABLE_NOT_FOUND', `${name} does not exist yet`);
  return table;
}

function requireTable(args: Args): string {
  const name = args.positional[1];
  if (name === undefined) throw new UsageError('which table?');
  return name;
}

async function tables(upkeep: Upkeep, out: Output): Promise<number> {
  const stats = await upkeep.runner.refreshStats();
  out.rows(
    ['table', 'version', 'files', 'size', 'small_files', 'small_file_ratio', 'last_checkpoint'],
    stats.map(({ table, version, stats: s }) => {
      const checkpoint = upkeep.runner.lastSuccessOf(table.name, 'checkpoint');
      return {
        table: table.name,
        version,
        files: s.files,
        bytes: s.bytes,
        size: humanBytes(s.bytes),
        small_files: s.smallFiles,
        small_file_ratio: Number(s.smallFileRatio.toFixed(3)),
        last_checkpoint: checkpoint === undefined ? null : new Date(checkpoint).toISOString(),
      };
    }),
  );
  return 0;
}

async function history(upkeep: Upkeep, args: Args, out: Output): Promise<number> {
  const table = await openTable(upkeep, requireTable(args));
  const commits = await table.history(numberFlag(args, '--limit') ?? 20);
  out.rows(
    ['version', 'timestamp', 'operation', 'parameters', 'readVersion'],
    commits.map((c) => ({
      version: c.version,
      timestamp: c.timestamp,
      operation: c.operation,
      parameters: c.operationParameters,
      readVersion: c.readVersion,
      metrics: c.info.operationMetrics,
    })),
  );
  return 0;
}

async function describe(upkeep: Upkeep, args: Args, out: Output): Promise<number> {
  const name = requireTable(args);
  const target = maintainedTable(name);
  const table = await openTable(upkeep, name);
  const metadata = await table.metadata();
  const schema = await table.schema();
  const stats = await upkeep.upkeep.stats(table, target);
  const description = {
    table: name,
    uri: upkeep.lake.uriOf(target),
    version: await table.version(),
    id: metadata.id,
    partitionColumns: metadata.partitionColumns,
    properties: metadata.configuration,
    protocol: { minReader: metadata.minReaderVersion, minWriter: metadata.minWriterVersion },
    zorderBy: target.zorderBy ?? [],
    files: stats.files,
    bytes: stats.bytes,
    smallFiles: stats.smallFiles,
    columns: schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable })),
    partitions: stats.partitions,
  };
  const text = [
    renderTable(
      ['key', 'value'],
      Object.entries(description)
        .filter(([k]) => k !== 'columns' && k !== 'partitions')
        .map(([key, value]) => ({ key, value })),
    ),
    renderTable(['name', 'type', 'nullable'], description.columns),
    renderTable(['partition', 'files', 'smallFiles', 'bytes'], stats.partitions),
  ].join('\n');
  out.value(description, text);
  return 0;
}

async function query(upkeep: Upkeep, args: Args, out: Output): Promise<number> {
  const name = requireTable(args);
  const sql = args.positional[2];
  if (sql === undefined) throw new UsageError('which query?');
  const select = assertReadOnlySelect(sql);
  const table = await openTable(upkeep, name);
  const asOf = stringFlag(args, '--as-of');
  let version = numberFlag(args, '--version');
  if (asOf !== undefined) {
    const instant = new Date(asOf);
    if (Number.isNaN(instant.getTime())) throw new UsageError(`--as-of: not a timestamp: ${asOf}`);
    version = await (await table.checkout({ asOf: instant })).version();
  }
  const session = SqlSession.create();
  const at = version === undefined ? {} : { version };
  await session.register('t', table, at);
  await session.register(name.replaceAll('.', '_'), table, at);
  const result = await session.sql(select);
  const columns = result.schema.fields.map((f) => f.name);
  out.rows(
    columns,
    result.toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON()),
  );
  return 0;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await Promise.race([
      rl.question(question),
      new Promise<string>((resolve) => rl.once('close', () => resolve(''))),
    ]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function opsRow(
  table: string,
  operation: string,
  startedMs: number,
  result: MaintenanceRunRow['result'],
  extra: Partial<MaintenanceRunRow>,
): MaintenanceRunRow {
  return {
    runId: randomUUID(),
    tableName: table,
    operation,
    startedAtUs: BigInt(startedMs) * MICROS_PER_MS,
    durationMs: BigInt(Date.now() - startedMs),
    result,
    filesBefore: null,
    bytesBefore: null,
    filesAfter: null,
    bytesAfter: null,
    versionBefore: null,
    versionAfter: null,
    filesDeleted: null,
    retentionHours: null,
    forced: false,
    detail: '{}',
    errorCode: null,
    error: null,
    ...extra,
  };
}

async function restore(upkeep: Upkeep, args: Args, out: Output): Promise<number> {
  const name = requireTable(args);
  const version = numberFlag(args, '--version');
  if (version === undefined) throw new UsageError('restore needs --version N');
  const table = await openTable(upkeep, name);
  const plan = await planRestore(table, version);
  if (args.flags.get('--yes') !== true) {
    const ok = await confirm(
      `Restore ${name} from v${plan.fromVersion} (${plan.currentRows} rows) to the content of v${plan.toVersion} ` +
        `(${plan.restoredRows} rows)? [y/N] `,
    );
    if (!ok) throw new MaintainerError('RESTORE_NOT_CONFIRMED', 'restore not confirmed; nothing changed');
  }
  const started = Date.now();
  const result = await restoreTable(table, version);
  await upkeep.store.record([
    opsRow(name, 'restore', started, 'ok', {
      versionBefore: BigInt(result.fromVersion),
      versionAfter: BigInt(result.newVersion),
      detail: JSON.stringify(result),
    }),
  ]);
  out.value(
    result,
    `restored ${name} to the content of v${result.toVersion} as v${result.newVersion} (${result.restoredRows} rows)`,
  );
  return 0;
}

async function plan(upkeep: Upkeep, out: Output): Promise<number> {
  const tasks = await upkeep.runner.plan(Date.now());
  out.rows(
    ['table', 'operation', 'due', 'dueAt', 'preview'],
    tasks.map((t) => ({ ...t, dueAt: new Date(t.dueAtMs).toISOString() })),
  );
  return 0;
}

function isOperation(value: string | undefined): value is UpkeepOperation {
  return (UPKEEP_OPERATIONS as readonly string[]).includes(value ?? '');
}

const RUN_COLUMNS = [
  'tableName',
  'operation',
  'result',
  'filesBefore',
  'filesAfter',
  'bytesBefore',
  'bytesAfter',
  'filesDeleted',
  'retentionHours',
  'forced',
  'durationMs',
  'errorCode',
  'detail',
] as const;

/** Run rows for output: `detail` as the object it is, not a JSON string inside JSON. */
function printable(rows: readonly MaintenanceRunRow[]): object[] {
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown }));
}

function runExitCode(rows: readonly MaintenanceRunRow[]): number {
  return rows.some((r) => r.result === 'failed' || r.result === 'refused') ? 1 : 0;
}

async function run(upkeep: Upkeep, args: Args, out: Output): Promise<number> {
  const operation = args.positional[1];
  const name = args.positional[2];
  if (!isOperation(operation))
    throw new UsageError(`operation must be one of ${UPKEEP_OPERATIONS.join(', ')}`);
  if (name === undefined) throw new UsageError('which table?');
  await openTable(upkeep, name);
  if (args.flags.get('--force') === true) {
    process.stderr.write(`maintainer: --force: VACUUM may go below the time-travel window on ${name}\n`);
  }
  const retentionHours = numberFlag(args, '--retention-hours');
  const row = await upkeep.runner.runOne(
    name,
    {
      operation,
      ...(args.flags.get('--dry-run') === true ? { dryRun: true } : {}),
      ...(retentionHours === undefined ? {} : { retentionHours }),
      ...(args.flags.get('--force') === true ? { force: true } : {}),
      ...(args.flags.get('--always') === true ? { always: true } : {}),
    },
    Date.now,
  );
  const rows = row === undefined ? [] : [row];
  out.rows(RUN_COLUMNS, printable(rows));
  if (row?.error) process.stderr.write(`maintainer: ${row.errorCode ?? ''}: ${row.error}\n`);
  return runExitCode(rows);
}

async function upkeepPass(upkeep: Upkeep, out: Output): Promise<number> {
  const rows = await upkeep.runner.runDue(Date.now);
  out.rows(RUN_COLUMNS, printable(rows));
  return runExitCode(rows);
}

async function verify(config: MaintainerConfig, args: Args, out: Output): Promise<number> {
  const checks = stringFlag(args, '--checks')?.split(',');
  for (const check of checks ?? []) {
    if (!(CHECK_NAMES as readonly string[]).includes(check)) {
      throw new UsageError(`unknown check ${check}; known: ${CHECK_NAMES.join(', ')}`);
    }
  }
  const bronzeVersion = numberFlag(args, '--bronze-version');
  const results = await runVerification({
    lakeRoot: config.LAKE_ROOT,
    ...(checks === undefined ? {} : { checks: checks as CheckName[] }),
    ...(bronzeVersion === undefined ? {} : { bronzeVersion }),
  });
  if (args.flags.get('--json') === true) out.value(results, '');
  else process.stdout.write(`${formatResults(results)}\n`);
  return verificationExitCode(results);
}

/** The maintainer's ops commands over the lake at LAKE_ROOT (or --lake-root). Exit codes: 0 ok, 1 failed, 2 usage. */
async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const command = args.positional[0];
  const lakeRoot = stringFlag(args, '--lake-root');
  const config = loadConfig(maintainerConfigSchema, {
    ...process.env,
    ...(lakeRoot ? { LAKE_ROOT: lakeRoot } : {}),
  });
  // Run rows are printed in full; the log adds only what they do not say (a forced VACUUM, a lost commit race).
  const quiet = {
    log: () => undefined,
    warn: (f: Record<string, unknown>) => {
      if (f.msg !== 'maintenance run') process.stderr.write(`maintainer: warn: ${renderJson(f)}\n`);
    },
  };
  const upkeep = createUpkeep(config, Date.now, quiet);
  const out = new Output(args.flags.get('--json') === true);
  await upkeep.runner.init();
  switch (command) {
    case 'tables':
      return tables(upkeep, out);
    case 'history':
      return history(upkeep, args, out);
    case 'describe':
      return describe(upkeep, args, out);
    case 'query':
      return query(upkeep, args, out);
    case 'restore':
      return restore(upkeep, args, out);
    case 'plan':
      return plan(upkeep, out);
    case 'run':
      return run(upkeep, args, out);
    case 'upkeep':
      return upkeepPass(upkeep, out);
    case 'verify':
      return verify(config, args, out);
    case undefined:
      throw new UsageError('which command?');
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`maintainer: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    const reason =
      error instanceof ConfigError ? error.message : `${errorCode(error)}: ${errorMessage(error)}`;
    process.stderr.write(`maintainer: ${reason}\n`);
    process.exit(1);
  },
);
