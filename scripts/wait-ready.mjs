// Waits until every named service answers GET /health/ready with 200, or fails after a deadline with the ones missing.
// Usage: node scripts/wait-ready.mjs ingestor refiner ...   (ports from <APP>_PORT or the defaults below)
const DEFAULT_PORTS = {
  ingestor: 3001,
  refiner: 3002,
  predictor: 3003,
  publisher: 3004,
  maintainer: 3005,
  'publisher-gold': 3006,
};
const DEADLINE_MS = Number(process.env.READY_TIMEOUT_MS ?? 120_000);

const apps = process.argv.slice(2);
const port = (app) =>
  Number(process.env[`${app.toUpperCase().replace('-', '_')}_PORT`] ?? DEFAULT_PORTS[app]);
const pending = new Set(apps);
const start = Date.now();
while (pending.size > 0) {
  for (const app of [...pending]) {
    try {
      const res = await fetch(`http://127.0.0.1:${port(app)}/health/ready`);
      if (res.ok) pending.delete(app);
    } catch {
      // not listening yet
    }
  }
  if (pending.size === 0) break;
  if (Date.now() - start > DEADLINE_MS) {
    console.error(`not ready after ${DEADLINE_MS} ms: ${[...pending].join(', ')} (see .work/logs/<app>.log)`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}
console.error(`ready: ${apps.join(', ')} in ${Date.now() - start} ms`);
