import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the predictor's own config (apps/predictor/src/config/) says about its consumer group and topics. */
export interface PredictorConfigDefaults {
  readonly files: readonly string[];
  /** The string literal on a line that names a group (`groupId: 'predictor'`, `KAFKA_GROUP_ID ... default('predictor')`). */
  readonly consumerGroup: string | undefined;
  /** Every string literal that looks like a topic name (`ticks.refined`, `signals.predictions`). */
  readonly topicLiterals: readonly string[];
  readonly source: string;
}

const STRING_LITERAL = /(['"`])([A-Za-z0-9._-]+)\1/g;
const TOPIC_NAME = /^[a-z]+\.[a-z.]+$/;

/**
 * Reads the predictor's config sources as text (they are another app's TypeScript, not a library we may import).
 * Undefined while apps/predictor/src/config/ does not exist yet.
 */
export function readPredictorConfigDefaults(dir: string): PredictorConfigDefaults | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  if (files.length === 0) return undefined;
  const source = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  let consumerGroup: string | undefined;
  const topicLiterals = new Set<string>();
  for (const line of source.split('\n')) {
    const literals = [...line.matchAll(STRING_LITERAL)].map((m) => m[2] as string);
    for (const literal of literals) if (TOPIC_NAME.test(literal)) topicLiterals.add(literal);
    if (consumerGroup === undefined && /group/i.test(line)) {
      consumerGroup = literals.find((l) => !TOPIC_NAME.test(l) && !/group/i.test(l));
    }
  }
  return { files, consumerGroup, topicLiterals: [...topicLiterals], source };
}
