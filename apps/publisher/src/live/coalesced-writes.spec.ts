import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { coalesceWrites } from './coalesced-writes';

/** A TCP socket stand-in that records each write system call (one `_writev` or `_write` per flush). */
class RecordingSocket extends Duplex {
  readonly writes: string[][] = [];

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.writes.push([chunk.toString()]);
    done();
  }

  override _writev(chunks: { chunk: Buffer }[], done: () => void): void {
    this.writes.push(chunks.map((c) => c.chunk.toString()));
    done();
  }
}

/** engine.io's websocket transport as far as the coalescing sees it: ws writes each packet as its own frame. */
function transport(name: string, raw: RecordingSocket) {
  return {
    name,
    socket: { _socket: raw },
    send(packets: string[]): void {
      for (const packet of packets) {
        raw.cork(); // ws corks around each frame's header and payload
        raw.write(`frame:${packet}`);
        raw.uncork();
      }
    },
  };
}

function connection(initial: ReturnType<typeof transport>) {
  const emitter = new EventEmitter() as EventEmitter & { transport: ReturnType<typeof transport> };
  emitter.transport = initial;
  return emitter;
}

describe('coalesceWrites', () => {
  it('without it, every packet of a flush is its own write (the baseline)', () => {
    const raw = new RecordingSocket();
    transport('websocket', raw).send(['a', 'b', 'c']);
    assert.equal(raw.writes.length, 3);
  });

  it('sends the packets of one flush in one write, in order, with nothing left buffered', () => {
    const raw = new RecordingSocket();
    const conn = connection(transport('websocket', raw));
    coalesceWrites(conn);
    conn.transport.send(['a', 'b', 'c']);
    assert.deepEqual(raw.writes, [['frame:a', 'frame:b', 'frame:c']]);
    assert.equal(raw.writableCorked, 0);
    conn.transport.send(['d']);
    assert.deepEqual(raw.writes[1], ['frame:d']);
  });

  it('patches a transport the client upgrades to, once, and leaves long polling alone', () => {
    const polling = new RecordingSocket();
    const conn = connection(transport('polling', polling));
    coalesceWrites(conn);
    conn.transport.send(['a', 'b']);
    assert.equal(polling.writes.length, 2);
    const raw = new RecordingSocket();
    const upgraded = transport('websocket', raw);
    conn.emit('upgrade', upgraded);
    coalesceWrites(conn); // a second call must not wrap twice
    conn.emit('upgrade', upgraded);
    upgraded.send(['x', 'y']);
    assert.deepEqual(raw.writes, [['frame:x', 'frame:y']]);
    assert.equal(raw.writableCorked, 0);
  });

  it('ignores a connection of an unexpected shape', () => {
    assert.doesNotThrow(() => coalesceWrites(undefined));
    assert.doesNotThrow(() => coalesceWrites({}));
    const conn = connection({ name: 'websocket', socket: {}, send: () => undefined } as never);
    assert.doesNotThrow(() => coalesceWrites(conn));
  });
});
