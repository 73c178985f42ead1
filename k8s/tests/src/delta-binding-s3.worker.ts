// One writer process of delta-binding-s3.int-spec: appends ROUNDS batches to the table at argv[2] through the napi
// binding, retrying lost races, and prints one JSON line per acknowledged commit. Storage options come from AWS_*.
import { loadDelta, rowsFor, storageOptionsFrom } from './delta-binding.port';

const MAX_ATTEMPTS = 20;

async function main(): Promise<void> {
  const [uri, writerArg, roundsArg] = process.argv.slice(2);
  if (uri === undefined || writerArg === undefined || roundsArg === undefined)
    throw new Error('usage: URI WRITER ROUNDS');
  const writer = Number(writerArg);
  const { delta, arrow } = await loadDelta();
  const table = await delta.DeltaTable.open(uri, { storageOptions: storageOptionsFrom(process.env) });
  for (let round = 0; round < Number(roundsArg); round += 1) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { version } = await table.append(rowsFor(arrow, writer, round));
        console.log(JSON.stringify({ writer, round, version, attempt }));
        break;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== 'COMMIT_CONFLICT' || attempt >= MAX_ATTEMPTS) throw error;
        await table.refresh();
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
