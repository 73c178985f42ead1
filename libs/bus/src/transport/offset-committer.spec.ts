import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OffsetCommitter, type OffsetsToCommit } from './offset-committer';

const INTERVAL_MS = 1_000;

/** A committer over a fake clock and a commit that resolves when the test says. */
function harness() {
  let clock = 0;
  const commits: OffsetsToCommit[] = [];
  const settle: (() => void)[] = [];
  const errors: unknown[] = [];
  const committer = new OffsetCommitter(
    (offsets) => {
      commits.push(offsets);
      return new Promise<void>((resolve) => settle.push(resolve));
    },
    INTERVAL_MS,
    (error) => errors.push(error),
    () => clock,
  );
  return {
    committer,
    commits,
    errors,
    advance: (ms: number) => (clock += ms),
    /** Settles the oldest commit in flight and lets its continuation run. */
    settleOne: async () => {
      settle.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

const partitions = (c: OffsetsToCommit) =>
  c.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}/${p.partition}@${p.offset}`));

describe('OffsetCommitter', () => {
  it('commits the first offer at once, without the caller waiting for it', () => {
    const h = harness();
    h.committer.offer('t', 0, '10');
    assert.deepEqual(h.commits.map(partitions), [['t/0@10']]);
  });

  it('keeps the newest offer of each partition while a commit is in flight and commits them together after it', async () => {
    const h = harness();
    h.committer.offer('t', 0, '10');
    h.committer.offer('t', 0, '20');
    h.committer.offer('t', 1, '5');
    h.committer.offer('u', 0, '7');
    assert.equal(h.commits.length, 1, 'one commit at a time');
    h.advance(INTERVAL_MS);
    await h.settleOne();
    assert.deepEqual(h.commits.map(partitions)[1], ['t/0@20', 't/1@5', 'u/0@7']);
  });

  it('commits at most once per interval', async () => {
    const h = harness();
    h.committer.offer('t', 0, '10');
    await h.settleOne();
    h.advance(INTERVAL_MS / 2);
    h.committer.offer('t', 0, '20');
    assert.equal(h.commits.length, 1, 'not before the interval');
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS / 2 + 50));
    assert.deepEqual(
      h.commits.map(partitions)[1],
      ['t/0@20'],
      'the timer commits it when the interval is up',
    );
  });

  it('flush commits what is left after the commit in flight, at once', async () => {
    const h = harness();
    h.committer.offer('t', 0, '10');
    h.committer.offer('t', 0, '11');
    const flushed = h.committer.flush();
    await h.settleOne();
    assert.deepEqual(h.commits.map(partitions)[1], ['t/0@11']);
    await h.settleOne();
    await flushed;
  });

  it('reports a failed commit and goes on with the next offers', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const committed: OffsetsToCommit[] = [];
    const committer = new OffsetCommitter(
      (offsets) => {
        calls += 1;
        if (calls === 1) return Promise.reject(new Error('rebalance in progress'));
        committed.push(offsets);
        return Promise.resolve();
      },
      0,
      (error) => errors.push(error),
    );
    committer.offer('t', 0, '10');
    await committer.flush();
    committer.offer('t', 0, '20');
    await committer.flush();
    assert.equal(errors.length, 1);
    assert.deepEqual(committed.map(partitions), [['t/0@20']]);
  });
});
