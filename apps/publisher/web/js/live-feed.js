// The live Socket.IO feed (namespace /signals): subscribe, dedupe by per-symbol seq, detect gaps, report status.

import { SeqTracker } from './seq-tracker.js';

const SUBSCRIBE_TIMEOUT_MS = 5_000;

/**
 * @param {{
 *   getToken: () => string | null,
 *   onStatus: (state: 'connecting' | 'connected' | 'recovered' | 'reconnecting' | 'disconnected' | 'unauthorized', detail?: string) => void,
 *   onAuthError: (code: string, reason: string) => void,
 *   onPrediction: (event: object) => void,
 *   onOutcome: (event: object) => void,
 *   onAccuracy: (event: object) => void,
 *   onDrift: (event: object) => void,
 *   onGap: (gap: { symbol: string, fromSeq: number, toSeq: number }) => void,
 *   onNewRun: () => void,
 * }} handlers
 */
export function connectLiveFeed(handlers) {
  const seqs = new SeqTracker();
  let runId = null;
  // `io` is the global of /socket.io/socket.io.js, the client the server itself serves.
  const socket = window.io('/signals', {
    path: '/socket.io',
    auth: (send) => send({ token: handlers.getToken() ?? '' }),
  });

  handlers.onStatus('connecting');

  socket.on('connect', () => {
    if (socket.recovered) {
      // Connection-state recovery replayed what we missed; the subscription survived with the session.
      handlers.onStatus('recovered');
      return;
    }
    handlers.onStatus('connected');
    subscribe();
  });

  socket.on('connect_error', (error) => {
    if (error.message === 'unauthorized') {
      // The server refused the handshake: no automatic retry; a new token calls `reconnect()`.
      const code = typeof error.data?.code === 'string' ? error.data.code : 'AUTH_INVALID';
      const reason = typeof error.data?.reason === 'string' ? error.data.reason : 'the token was refused';
      handlers.onStatus('unauthorized', code);
      handlers.onAuthError(code, reason);
      return;
    }
    handlers.onStatus(socket.active ? 'reconnecting' : 'disconnected', error.message);
  });

  socket.on('disconnect', (reason) => {
    handlers.onStatus(socket.active ? 'reconnecting' : 'disconnected', reason);
  });

  socket.on('prediction', (event) => {
    if (accept('prediction', event)) handlers.onPrediction(event);
  });
  socket.on('outcome', (event) => {
    if (accept('outcome', event)) handlers.onOutcome(event);
  });
  socket.on('accuracy', (event) => handlers.onAccuracy(event));
  socket.on('drift', (event) => handlers.onDrift(event));
  socket.on('gap', (gap) => {
    if (gap && typeof gap.symbol === 'string') handlers.onGap(gap);
  });
  socket.on('error', (frame) => console.warn('publisher error frame', frame));

  function subscribe() {
    const since = seqs.since();
    const payload = Object.keys(since).length > 0 ? { symbols: '*', since } : { symbols: '*' };
    socket.timeout(SUBSCRIBE_TIMEOUT_MS).emit('subscribe', payload, (timeoutError, ack) => {
      if (timeoutError) {
        handlers.onStatus('reconnecting', 'subscribe timed out');
        socket.disconnect().connect();
        return;
      }
      if (!ack?.ok) {
        console.warn('subscribe refused', ack);
        return;
      }
      if (typeof ack.runId === 'string' && ack.runId !== runId) {
        const restarted = runId !== null;
        runId = ack.runId;
        if (restarted) {
          // A new publisher process numbers from scratch: our seqs mean nothing to it; Gold fills the hole.
          seqs.reset();
          handlers.onNewRun();
        }
      }
    });
  }

  /** Drops duplicates (replays, recovery overlap); a hole becomes a gap fill, a restarted publisher a reload. */
  function accept(kind, event) {
    const { verdict, gap } = seqs.accept(kind, event);
    if (verdict === 'gap') handlers.onGap(gap);
    if (verdict === 'restart') handlers.onNewRun();
    return verdict !== 'duplicate' && verdict !== 'invalid';
  }

  return {
    reconnect() {
      socket.disconnect();
      socket.connect();
    },
    get connected() {
      return socket.connected;
    },
  };
}
