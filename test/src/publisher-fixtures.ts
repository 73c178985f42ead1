import { createHmac } from 'node:crypto';
import {
  encodeJson,
  type OutboundMessage,
  type Prediction,
  signalRecords,
  type TickOutcome,
  tickOutcomeRecords,
} from '@lakehouse/bus';

/** The e2e publishers' HS256 secret (≥ 32 characters, as the publisher requires). */
export const PUBLISHER_SECRET = 'e2e-publisher-secret-0123456789-abcdefghij';
export const MODEL_VERSION = 'gru-e2e-1';
const FIRST_EVENT_US = 1_767_623_400_000_000n; // 2026-01-05T14:30:00Z

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** An HS256 JWT signed with `secret`, expiring `expiresInSeconds` from now (negative: already expired). */
export function tokenFor(sub: string, expiresInSeconds: number, secret = PUBLISHER_SECRET): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(
    JSON.stringify({ sub, iat: now, exp: now + expiresInSeconds }),
  )}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

export const eventIdOf = (n: number): string => n.toString(16).padStart(64, '0');
export const eventTimeOf = (n: number): bigint => FIRST_EVENT_US + BigInt(n) * 1000n;

/** The prediction of event `n`. */
export function predictionOf(
  n: number,
  symbol: string,
  predictedLabel: 0 | 1,
  producedAt = new Date().toISOString(),
): Prediction {
  return {
    schemaVersion: 1,
    kind: 'prediction',
    eventId: eventIdOf(n),
    symbol,
    eventTimeUs: eventTimeOf(n).toString(),
    price: 100 + (n % 50),
    probability: predictedLabel === 1 ? 0.9 : 0.1,
    predictedLabel,
    threshold: 0.5,
    modelVersion: MODEL_VERSION,
    backend: 'onnx-cpu',
    labelVersion: 'jump-v1',
    silverVersion: String(n),
    inferenceLatencyMs: 1,
    producedAt,
  };
}

/** A schema-1 `signals.predictions` record of event `n` (keyed by its symbol), as producers before runs sent. */
export function predictionMessage(n: number, symbol: string, predictedLabel: 0 | 1): OutboundMessage {
  return { key: symbol, value: encodeJson(predictionOf(n, symbol, predictedLabel)) };
}

/** The outcome of event `n`. */
export function outcomeOf(
  n: number,
  symbol: string,
  label: 0 | 1,
  silverVersion = String(n + 1),
): TickOutcome {
  return {
    schemaVersion: 1,
    eventId: eventIdOf(n),
    symbol,
    eventTimeUs: eventTimeOf(n).toString(),
    horizonEventId: eventIdOf(n + 1_000_000),
    realizedReturn: label === 1 ? 0.004 : 0.0001,
    threshold: 0.002,
    label,
    labelVersion: 'jump-v1',
    silverVersion,
  };
}

/** A schema-1 `ticks.outcomes` record of event `n`, as refiners before runs sent. */
export function outcomeMessage(n: number, symbol: string, label: 0 | 1): OutboundMessage {
  return { key: symbol, value: encodeJson(outcomeOf(n, symbol, label)) };
}

/** The schema-2 records the predictor sends for these predictions: a run per symbol (and per shared fields). */
export const predictionRunMessages = (predictions: readonly Prediction[]): OutboundMessage[] => [
  ...signalRecords(predictions),
];

/** The schema-2 records the refiner sends for these outcomes: a run per symbol (and per shared fields). */
export const outcomeRunMessages = (outcomes: readonly TickOutcome[]): OutboundMessage[] => [
  ...tickOutcomeRecords(outcomes),
];
