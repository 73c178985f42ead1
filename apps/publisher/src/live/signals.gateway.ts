import { JsonLogger } from '@lakehouse/platform';
import { Inject } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { type Namespace, type Socket } from 'socket.io';
import { AuthError, TokenVerifier } from '../auth/token-verifier';
import { PublisherMetrics } from '../metrics/publisher-metrics';
import { coalesceWrites } from './coalesced-writes';
import { type LiveEvent, SignalHub } from './signal-hub';
import {
  ALL_ROOM,
  BATCH_ALL_ROOM,
  batchRoomOf,
  roomOf,
  type SubscribeAck,
  subscribeSchema,
} from './subscribe.schema';

/** Messages a client may have waiting in its transport's write buffer before new ones to it are dropped. */
export const CLIENT_BUFFER_LIMIT = Symbol('CLIENT_BUFFER_LIMIT');

/** How long a disconnected client's session (rooms, missed packets) is kept for connection-state recovery. */
const RECOVERY_WINDOW_MS = 2 * 60_000;

/** A live event with the Kafka timestamp of the record that carried it (for the emit latency). */
export interface Publishable {
  readonly event: LiveEvent;
  readonly sourceTimeMs: number;
}

/**
 * Socket.IO namespace `/signals`: token check in the handshake, `subscribe` to symbol rooms with an optional replay,
 * and the fan-out of live events. A slow client never holds anything up: events are broadcast without awaiting, and a
 * client whose write buffer is over the limit is left out of the broadcast (the message counted as dropped); it sees
 * the seq gap and re-subscribes with `since`.
 */
@WebSocketGateway({
  namespace: '/signals',
  path: '/socket.io',
  cors: { origin: true },
  connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
})
export class SignalsGateway
  implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket>
{
  @WebSocketServer() private namespace!: Namespace;
  /**
   * Rooms of recently disconnected sockets, until their recovery window ends (ms): connection-state recovery replays
   * what was broadcast to a session's rooms while it was away, so those rooms are still broadcast to while empty.
   */
  private readonly recoverable = new Map<string, number>();

  constructor(
    private readonly hub: SignalHub,
    private readonly verifier: TokenVerifier,
    private readonly metrics: PublisherMetrics,
    private readonly log: JsonLogger,
    @Inject(CLIENT_BUFFER_LIMIT) private readonly bufferLimit: number,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
      this.verifier.verify(token).then(
        (client) => {
          socket.data = { client: client.name };
          next();
        },
        (error: unknown) => {
          const refusal =
            error instanceof AuthError ? error : new AuthError('AUTH_INVALID', 'token check failed');
          this.metrics.authFailures.inc({ edge: 'socket', code: refusal.code });
          const frame = new Error('unauthorized') as Error & { data: unknown };
          frame.data = { code: refusal.code, reason: refusal.message };
          next(frame);
        },
      );
    });
  }

  handleConnection(socket: Socket): void {
    this.metrics.connectedClients.inc();
    coalesceWrites(socket.conn);
    // Before the socket leaves its rooms: they stay wanted while its session can be recovered.
    socket.on('disconnecting', () => {
      const until = Date.now() + RECOVERY_WINDOW_MS;
      for (const room of socket.rooms) if (room !== socket.id) this.recoverable.set(room, until);
    });
    socket.on('subscribe', (payload: unknown, ack: unknown) => {
      const answer = this.subscribe(socket, payload);
      if (typeof ack === 'function') (ack as (a: SubscribeAck) => void)(answer);
      else if (!answer.ok) socket.emit('error', answer);
    });
  }

  handleDisconnect(): void {
    this.metrics.connectedClients.dec();
  }

  /**
   * Broadcasts a consumer batch; never awaits a client. Per-event subscribers get one `prediction` / `outcome` event
   * per signal in their symbol's room or the all-symbols room. Batch subscribers get one `signals` frame: the
   * all-symbols room the whole batch, each symbol's room that symbol's events (less the sockets in the all-symbols
   * room, which already have them). A room nobody is in, nor a recoverable session was in, costs no encoding.
   */
  publish(batch: readonly Publishable[]): void {
    if (batch.length === 0) return;
    const slow = this.slowClients();
    const slowIds = slow.map((s) => s.id);
    const now = Date.now();
    const wanted = this.wantedRooms(now);
    const perEventAll = wanted(ALL_ROOM);
    const all: LiveEvent[] = [];
    const bySymbol = new Map<string, LiveEvent[]>();
    for (const { event, sourceTimeMs } of batch) {
      const symbol = event.payload.symbol;
      const room = roomOf(symbol);
      if (perEventAll || wanted(room)) {
        this.namespace.to([room, ALL_ROOM]).except(slowIds).emit(event.name, event.payload);
      }
      all.push(event);
      const ofSymbol = bySymbol.get(symbol);
      if (ofSymbol === undefined) bySymbol.set(symbol, [event]);
      else ofSymbol.push(event);
      this.metrics.emits.inc({ event: event.name });
      this.metrics.emitLatency.observe({ event: event.name }, Math.max(0, now - sourceTimeMs) / 1000);
      for (const socket of slow) {
        if (subscribedTo(socket, symbol)) this.metrics.dropped.inc({ reason: 'buffer_full' });
      }
    }
    if (wanted(BATCH_ALL_ROOM)) this.namespace.to(BATCH_ALL_ROOM).except(slowIds).emit('signals', all);
    for (const [symbol, events] of bySymbol) {
      const room = batchRoomOf(symbol);
      if (wanted(room))
        this.namespace
          .to(room)
          .except([...slowIds, BATCH_ALL_ROOM])
          .emit('signals', events);
    }
  }

  /** Whether a room has members, or had some whose session can still be recovered. */
  private wantedRooms(now: number): (room: string) => boolean {
    for (const [room, until] of this.recoverable) if (until <= now) this.recoverable.delete(room);
    const rooms = this.namespace.adapter.rooms;
    return (room) => rooms.has(room) || this.recoverable.has(room);
  }

  /** An event for every connected client (accuracy, drift). */
  broadcast(name: 'accuracy' | 'drift', payload: object): void {
    this.namespace.emit(name, payload);
    this.metrics.emits.inc({ event: name });
  }

  private subscribe(socket: Socket, payload: unknown): SubscribeAck {
    const parsed = subscribeSchema.safeParse(payload);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`)
        .join('; ');
      return { ok: false, code: 'BAD_SUBSCRIBE', reason };
    }
    const { symbols, since, batch = false } = parsed.data;
    const perEvent = symbols === '*' ? [ALL_ROOM] : symbols.map(roomOf);
    const batched = symbols === '*' ? [BATCH_ALL_ROOM] : symbols.map(batchRoomOf);
    const [rooms, otherMode] = batch ? [batched, perEvent] : [perEvent, batched];
    // Replay and join in one synchronous step: no live event can fall between them.
    for (const [symbol, seq] of Object.entries(since ?? {})) {
      if (symbols !== '*' && !symbols.includes(symbol)) continue;
      const replay = this.hub.replay(symbol, seq);
      if (replay.gap) socket.emit('gap', replay.gap);
      if (batch) {
        if (replay.events.length > 0) socket.emit('signals', replay.events);
      } else {
        for (const event of replay.events) socket.emit(event.name, event.payload);
      }
    }
    // A subscription sets the mode of its symbols: the other mode's rooms for them are left.
    for (const room of otherMode) void socket.leave(room);
    void socket.join(rooms);
    this.log.debug({ msg: 'subscribed', client: clientOf(socket), rooms }, SignalsGateway.name);
    return { ok: true, rooms };
  }

  private slowClients(): Socket[] {
    const slow: Socket[] = [];
    for (const socket of this.namespace.sockets.values()) {
      if (pendingOf(socket) >= this.bufferLimit) slow.push(socket);
    }
    return slow;
  }
}

/** Whether the socket receives `symbol`'s events, in either mode. */
function subscribedTo(socket: Socket, symbol: string): boolean {
  const rooms = socket.rooms;
  return (
    rooms.has(ALL_ROOM) ||
    rooms.has(BATCH_ALL_ROOM) ||
    rooms.has(roomOf(symbol)) ||
    rooms.has(batchRoomOf(symbol))
  );
}

/** Packets waiting in the client's engine.io write buffer (its transport is not keeping up). */
function pendingOf(socket: Socket): number {
  const buffer = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer;
  return Array.isArray(buffer) ? buffer.length : 0;
}

function clientOf(socket: Socket): string {
  const data = socket.data as { client?: unknown } | undefined;
  return typeof data?.client === 'string' ? data.client : 'unknown';
}
