import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeProgress, ProgressReporter } from './progress-reporter';

const MB = 1024 * 1024;

describe('describeProgress', () => {
  it('derives percent, MB/s and ETA from bytes and elapsed time', () => {
    assert.deepEqual(
      describeProgress({ label: 'f', bytesDone: 50 * MB, bytesTotal: 200 * MB, records: 1, elapsedMs: 2000 }),
      {
        percent: 25,
        mbPerSec: 25,
        etaSec: 6,
      },
    );
  });

  it('has no ETA before any byte was read', () => {
    assert.equal(
      describeProgress({ label: 'f', bytesDone: 0, bytesTotal: MB, records: 0, elapsedMs: 0 }).etaSec,
      null,
    );
  });
});

describe('ProgressReporter', () => {
  it('redraws one line on a terminal and throttles updates, and writes plain lines off a terminal', () => {
    let now = 0;
    const tty: string[] = [];
    const reporter = new ProgressReporter({ isTTY: true, write: (t) => tty.push(t) }, () => now);
    const snap = { label: 'f', bytesDone: MB, bytesTotal: 2 * MB, records: 10, elapsedMs: 1000 };
    reporter.update(snap);
    reporter.update(snap);
    now += 1000;
    reporter.update(snap, true);
    assert.equal(tty.length, 2, 'the second update came within the redraw interval');
    assert.ok(tty[0]!.startsWith('\r') && tty[1]!.endsWith('\n'));

    const log: string[] = [];
    new ProgressReporter({ isTTY: false, write: (t) => log.push(t) }, () => now).update(snap);
    assert.match(log[0]!, /^f: 50\.0% 10 records 1\.0 MB\/s ETA 1s\n$/);
  });
});
