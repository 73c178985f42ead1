// Waits until the refiner's Silver position (its /health/ready `silver` details) reaches bronze.ticks's latest
// version, i.e. every Bronze commit so far is refined. Usage: node scripts/wait-silver.mjs  (env LAKE_ROOT,
// REFINER_PORT, SILVER_TIMEOUT_MS)
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(import.meta.dirname, '..', 'libs', 'lake', 'package.json'));
const { DeltaLake, BRONZE_TICKS } = require('@lakehouse/lake');

const lakeRoot = process.env.LAKE_ROOT;
if (!lakeRoot) {
  console.error('LAKE_ROOT is required');
  process.exit(2);
}
const port = Number(process.env.REFINER_PORT ?? 3002);
const deadline = Date.now() + Number(process.env.SILVER_TIMEOUT_MS ?? 600_000);
const bronze = await new DeltaLake(lakeRoot).latestVersion(BRONZE_TICKS);
if (bronze === undefined) {
  console.error('bronze.ticks has no commit yet: nothing to wait for');
  process.exit(0);
}
for (;;) {
  let position;
  try {
    const body = await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json();
    position = body?.details?.silver?.position;
  } catch {
    // not answering yet
  }
  if (position !== undefined && position !== null && BigInt(position) >= bronze) {
    console.error(`silver.ticks has refined bronze.ticks up to version ${position}`);
    process.exit(0);
  }
  if (Date.now() > deadline) {
    console.error(`Silver is at Bronze version ${position ?? 'unknown'} of ${bronze} after the deadline`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 1_000));
}
