import { type Duplex } from 'node:stream';

/** The parts of engine.io's connection and transport, and of ws, that the coalescing reaches (none are typed). */
interface EngineConnection {
  readonly transport?: EngineTransport;
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): unknown;
}
interface EngineTransport {
  readonly name?: string;
  readonly socket?: { readonly _socket?: Duplex };
  send(packets: unknown[]): void;
}

const patched = new WeakSet<EngineTransport>();

/**
 * Makes a client's WebSocket frames of one flush leave in one socket write. engine.io hands its transport every
 * packet queued since the previous write completed (`transport.send(packets)`), and ws writes each packet as its own
 * frame: under load, one `writev` system call per message per client (42 % of the publisher's CPU in a profile at
 * 5k predictions/s to 100 clients). Corking the TCP socket around `send` turns a flush into one write. Nothing
 * waits: the socket is uncorked before `send` returns. Reaches into engine.io's transport and ws's socket, so every
 * step is checked and a connection of another shape (long polling, a future version) is left as it is.
 */
export function coalesceWrites(conn: unknown): void {
  const connection = conn as EngineConnection | undefined;
  if (connection === undefined || typeof connection.on !== 'function') return;
  corkAroundSend(connection.transport);
  connection.on('upgrade', (transport) => corkAroundSend(transport));
}

function corkAroundSend(transport: EngineTransport | undefined): void {
  if (transport === undefined || transport.name !== 'websocket' || patched.has(transport)) return;
  const raw = transport.socket?._socket;
  if (raw === undefined || typeof raw.cork !== 'function' || typeof raw.uncork !== 'function') return;
  const send = transport.send.bind(transport);
  transport.send = (packets: unknown[]): void => {
    raw.cork();
    try {
      send(packets);
    } finally {
      raw.uncork();
    }
  };
  patched.add(transport);
}
