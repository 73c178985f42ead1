// Reads data/sample/ticks.ndjson through the domain's own Bronze parser and Silver rules, and checks what the
// README promises: every line parses in America/New_York, passes validation, has a unique event id, and each
// symbol's ticks are in event-time order. Then runs features and labels over it as a smoke test.
// Usage: npx tsc -b libs/domain && node scripts/sample-data/verify.mjs
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const domain = require('../../libs/domain/dist/index.js');
const SAMPLE = fileURLToPath(new URL('../../data/sample/ticks.ndjson', import.meta.url));
const RULES = {
  minEventTimeUs: domain.DEFAULT_MIN_EVENT_TIME_US,
  maxEventTimeUs: domain.DEFAULT_MAX_EVENT_TIME_US,
};

const problems = [];
const ids = new Set();
const lastTime = new Map();
const ticks = [];
let line = 0;
for await (const text of createInterface({ input: createReadStream(SAMPLE), crlfDelay: Infinity })) {
  line += 1;
  const parsed = domain.parseTickLine(text, { exchangeTimeZone: 'America/New_York' });
  if (!parsed.ok) {
    problems.push(`line ${line}: ${parsed.reason.code} ${parsed.reason.message}`);
    continue;
  }
  const validation = domain.validateTick(parsed.tick, RULES);
  if (!validation.ok) problems.push(`line ${line}: ${validation.failures.map((f) => f.code).join(',')}`);
  const tick = domain.toSilverTick(parsed.tick);
  if (ids.has(tick.eventId)) problems.push(`line ${line}: duplicate event id`);
  ids.add(tick.eventId);
  if ((lastTime.get(tick.symbol) ?? -1n) >= tick.eventTimeUs) problems.push(`line ${line}: out of order`);
  lastTime.set(tick.symbol, tick.eventTimeUs);
  ticks.push(tick);
}

const features = domain.stepFeaturesBySymbol(new Map(), ticks, domain.DEFAULT_FEATURE_CONFIG);
const applied = features.results.filter((r) => r.kind === 'applied').length;
const labels = domain.stepLabelsBySymbol(new Map(), ticks, domain.DEFAULT_LABEL_DEFINITION);
const positives = labels.outcomes.filter((o) => o.label === 1).length;

console.log(`${line} lines, ${ticks.length} ticks, ${ids.size} distinct event ids`);
console.log(`features: ${applied} applied; labels: ${labels.outcomes.length} outcomes, ${positives} jumps`);
for (const p of problems.slice(0, 20)) console.error(p);
if (problems.length > 0) {
  console.error(`${problems.length} problems`);
  process.exit(1);
}
