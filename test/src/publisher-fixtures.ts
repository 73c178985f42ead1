import { createHmac } from 'node:crypto';
import { type OutboundMessage } from '@lakehouse/bus';

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

/** A `signals.predictions` record of event `n` (keyed by its symbol). */
export function predictionMessage(n: number, symbol: string, predictedLabel: 0 | 1): OutboundMessage {
  return {
    key: symbol,
    value: Buffer.from(
      JSON.stringify({
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
        producedAt: new Date().toISOString(),
      }),
    ),
  };
}

/** A `ticks.outcomes` record of event `n`. */
export function outcomeMessage(n: number, symbol: string, label: 0 | 1): OutboundMessage {
  return {
    key: symbol,
    value: Buffer.from(
      JSON.stringify({
        schemaVersion: 1,
        eventId: eventIdOf(n),
        symbol,
        eventTimeUs: eventTimeOf(n).toString(),
        horizonEventId: eventIdOf(n + 1_000_000),
        realizedReturn: label === 1 ? 0.004 : 0.0001,
        threshold: 0.002,
        label,
        labelVersion: 'jump-v1',
        silverVersion: String(n + 1),
      }),
    ),
  };
}
