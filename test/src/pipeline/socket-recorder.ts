// A Socket.IO client in its own process, as a browser would be: connects to the publisher with a token, subscribes to
// every symbol and writes each `prediction` event as one JSON line on stdout. Usage: socket-recorder.js URL TOKEN
import { io } from 'socket.io-client';

const [url, token] = process.argv.slice(2);
if (url === undefined || token === undefined) {
  process.stderr.write('usage: socket-recorder.js URL TOKEN\n');
  process.exit(2);
}

const socket = io(`${url}/signals`, { auth: { token }, transports: ['websocket'] });
socket.on('connect', () => {
  socket.emit('subscribe', { symbols: '*' }, (ack: unknown) => {
    process.stdout.write(`${JSON.stringify({ type: 'subscribed', ack })}\n`);
  });
});
socket.on('prediction', (event: unknown) => {
  process.stdout.write(`${JSON.stringify({ type: 'prediction', event })}\n`);
});
socket.on('connect_error', (error: Error) => {
  process.stderr.write(`connect_error: ${error.message}\n`);
});
process.on('SIGTERM', () => {
  socket.close();
  process.exit(0);
});
