// Waits for predictions on the publisher's Socket.IO namespace /signals, as a real client does (docs/ARCHITECTURE.md
// § Gold, the publisher protocol): a JWT in the handshake's `auth.token`, then `subscribe` with an ack, then
// `prediction` events. Uses the repository's socket.io-client (cluster-smoke.sh needs a built checkout anyway: it
// signs the token with `node apps/publisher/dist/cli.js token`).
//
//   SMOKE_TOKEN=<jwt> node k8s/scripts/smoke-socket.mjs <publisher-url> <min-events> <timeout-s>
//   node k8s/scripts/smoke-socket.mjs --expect-refused <publisher-url> <timeout-s>
//
// SMOKE_SYMBOLS: comma-separated symbols to subscribe to (default: all, `'*'`).
// Exits 0 once <min-events> well-formed `prediction` events arrived (or, with --expect-refused, once a connection
// without a token is refused with AUTH_MISSING); 1 on a refused token, a refused subscribe, a malformed event or
// a timeout; 2 on usage.
import { io } from 'socket.io-client';

const NAMESPACE = '/signals';
const args = process.argv.slice(2);
const expectRefused = args[0] === '--expect-refused';
if (expectRefused) args.shift();
const [url, ...rest] = args;
const [minEventsArg, timeoutArg] = expectRefused
  ? ['0', rest[0] ?? '60']
  : [rest[0] ?? '1', rest[1] ?? '300'];
const token = process.env.SMOKE_TOKEN ?? '';
if (!url || (!expectRefused && token === '')) {
  console.error('usage: SMOKE_TOKEN=<jwt> smoke-socket.mjs <publisher-url> <min-events> <timeout-s>');
  console.error('       smoke-socket.mjs --expect-refused <publisher-url> <timeout-s>');
  process.exit(2);
}
const minEvents = Number(minEventsArg);
const symbols = process.env.SMOKE_SYMBOLS ? process.env.SMOKE_SYMBOLS.split(',') : '*';

const socket = io(`${url.replace(/\/+$/, '')}${NAMESPACE}`, {
  path: '/socket.io',
  transports: ['websocket'],
  reconnection: false,
  auth: expectRefused ? {} : { token },
});
let received = 0;
const finish = (code, message) => {
  (code === 0 ? console.log : console.error)(message);
  socket.close();
  process.exit(code);
};
setTimeout(
  () => finish(1, `timeout after ${timeoutArg}s: ${received} of ${minEvents} prediction events`),
  Number(timeoutArg) * 1000,
);

socket.on('connect_error', (error) => {
  const code = error.data?.code ?? '';
  if (expectRefused && error.message === 'unauthorized' && code === 'AUTH_MISSING')
    finish(0, `socket without a token: refused (${code})`);
  finish(1, `socket connect error: ${error.message} ${code} ${error.data?.reason ?? ''}`.trim());
});

socket.on('connect', () => {
  if (expectRefused) finish(1, 'a socket without a token was accepted');
  socket.emit('subscribe', { symbols }, (ack) => {
    if (ack?.ok !== true) finish(1, `subscribe refused: ${JSON.stringify(ack)}`);
    console.log(`socket: subscribed to ${ack.rooms.join(', ')}`);
  });
});

socket.on('prediction', (event) => {
  const wellFormed =
    Number.isInteger(event?.seq) &&
    typeof event.symbol === 'string' &&
    typeof event.eventId === 'string' &&
    typeof event.probability === 'number' &&
    event.probability >= 0 &&
    event.probability <= 1 &&
    typeof event.modelVersion === 'string';
  if (!wellFormed) finish(1, `malformed prediction event: ${JSON.stringify(event)}`);
  received += 1;
  console.log(
    `socket prediction ${received}: ${event.symbol} seq ${event.seq} p=${event.probability.toFixed(3)} model ${event.modelVersion}`,
  );
  if (received >= minEvents) finish(0, `socket: ${received} predictions`);
});
