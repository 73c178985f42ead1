import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError } from '../errors/coded-error';
import { withCorrelationId } from './correlation';
import { JsonLogger } from './json-logger';

const FIXED_NOW = new Date('2026-01-02T03:04:05.678Z');
const STAGE = 'refiner';

function capture(level: 'log' | 'warn' | 'debug' = 'log') {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger({
    stage: STAGE,
    level,
    now: () => FIXED_NOW,
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with time, level, stage, message and context', () => {
    const { logger, lines } = capture();
    logger.log('batch handled', 'RefinerConsumer');
    assert.deepEqual(lines, [
      {
        time: FIXED_NOW.toISOString(),
        level: 'info',
        stage: STAGE,
        message: 'batch handled',
        context: 'RefinerConsumer',
      },
    ]);
  });

  it('adds the correlation id of the batch being handled', () => {
    const { logger, lines } = capture();
    withCorrelationId('ticks.raw/2/100-199', () => logger.warn('slow batch'));
    logger.warn('outside any batch');
    assert.equal(lines[0]?.correlationId, 'ticks.raw/2/100-199');
    assert.equal('correlationId' in (lines[1] ?? {}), false);
  });

  it('spreads structured fields given as the message', () => {
    const { logger, lines } = capture();
    logger.log({ msg: 'produced', topic: 'ticks.refined', records: 12 }, 'Producer');
    assert.equal(lines[0]?.message, 'produced');
    assert.equal(lines[0]?.records, 12);
    assert.equal(lines[0]?.context, 'Producer');
  });

  it("keeps Nest's error(message, stack, context) convention and an error's code", () => {
    const { logger, lines } = capture();
    logger.error('handler failed', 'Error: boom\n    at x', 'KafkaBatchTransport');
    logger.error(new CodedError('BUS_DECODE_FAILED', 'bad payload'));
    assert.equal(lines[0]?.stack, 'Error: boom\n    at x');
    assert.equal(lines[0]?.context, 'KafkaBatchTransport');
    assert.equal(lines[1]?.code, 'BUS_DECODE_FAILED');
    assert.equal(lines[1]?.message, 'bad payload');
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.log('chatty');
    logger.debug('chattier');
    logger.error('kept');
    assert.deepEqual(
      lines.map((l) => l.message),
      ['kept'],
    );
  });
});
