/* global WebSocket -- built into Node 22+; the globals package lists it for browsers only */
// Waits for predictions on the publisher's Socket.IO endpoint, speaking the Socket.IO v4 protocol over Node's
// built-in WebSocket (no client package needed on the machine running the smoke test).
//
//   node k8s/scripts/smoke-socket.mjs <publisher-url> <min-events> <timeout-s>
//
// SMOKE_SUBSCRIBE: JSON array of events to emit after connecting (default: subscribe to the sample symbols).
// SMOKE_EVENT_PATTERN: which event names count as predictions (default /predict|signal/i).
// Exits 0 once min-events prediction events arrived, 1 on timeout or error.
const [url, minEventsArg = '1', timeoutArg = '300'] = process.argv.slice(2);
if (!url) {
  console.error('usage: smoke-socket.mjs <publisher-url> <min-events> <timeout-s>');
  process.exit(2);
}
const minEvents = Number(minEventsArg);
const subscribe = JSON.parse(process.env.SMOKE_SUBSCRIBE ?? '[["subscribe",{"symbols":["SPX","IXIC"]}]]');
const eventPattern = new RegExp(process.env.SMOKE_EVENT_PATTERN ?? 'predict|signal', 'i');

// Engine.IO packet types: 0 open, 2 ping, 3 pong, 4 message; Socket.IO packet types inside a message: 0 connect, 2 event.
const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
let received = 0;
const timer = setTimeout(
  () => {
    console.error(`timeout: ${received} of ${minEvents} prediction events in ${timeoutArg}s`);
    process.exit(1);
  },
  Number(timeoutArg) * 1000,
);

ws.addEventListener('message', ({ data }) => {
  const packet = String(data);
  if (packet.startsWith('0')) ws.send('40');
  else if (packet === '2') ws.send('3');
  else if (packet.startsWith('40')) for (const event of subscribe) ws.send(`42${JSON.stringify(event)}`);
  else if (packet.startsWith('42')) {
    const [name, payload] = JSON.parse(packet.slice(2));
    if (!eventPattern.test(name)) return;
    received += 1;
    console.log(`socket event ${name}: ${JSON.stringify(payload).slice(0, 200)}`);
    if (received >= minEvents) {
      clearTimeout(timer);
      ws.close();
      process.exit(0);
    }
  } else if (packet.startsWith('44')) {
    console.error(`socket connect error: ${packet.slice(2)}`);
    process.exit(1);
  }
});
ws.addEventListener('error', (event) => {
  console.error(`websocket error: ${event.message ?? 'unknown'}`);
  process.exit(1);
});
