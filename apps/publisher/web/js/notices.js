// Connection status, the auth panel and the drift banner: the page's few pieces of chrome with state.

import { byId, setText, show } from './dom.js';
import { formatNumber } from './format.js';

const STATUS_TEXT = {
  connecting: 'connecting…',
  connected: 'live',
  recovered: 'live (recovered)',
  reconnecting: 'reconnecting…',
  disconnected: 'disconnected',
  unauthorized: 'not authorized',
};

const AUTH_TEXT = {
  AUTH_MISSING: 'This dashboard needs an access token.',
  AUTH_INVALID: 'The access token was refused.',
  AUTH_EXPIRED: 'The access token has expired.',
};

export function renderStatus(state, detail) {
  const node = byId('connection-status');
  node.dataset.state = state;
  setText(node, STATUS_TEXT[state] ?? state);
  node.title = detail ? String(detail) : '';
}

/** Shows why the token was refused, with an input for a new one. */
export function showAuthError(code, reason) {
  const known = AUTH_TEXT[code] ?? 'Not authorized.';
  const message = byId('auth-message');
  message.dataset.code = code;
  setText(message, `${known} (${code}${reason ? `: ${reason}` : ''}) Paste a valid token to continue.`);
  show(byId('auth-panel'), true);
  byId('token-input').focus();
}

export function hideAuthError() {
  show(byId('auth-panel'), false);
}

/** The drift episode (model version and since) the user dismissed: its repeated `drift` events stay hidden. */
let dismissedDrift = null;
let shownDrift = null;

const driftKey = (event) => `${event.modelVersion ?? ''}|${event.since ?? ''}`;

export function showDrift(event) {
  if (driftKey(event) === dismissedDrift) return;
  shownDrift = driftKey(event);
  const text =
    `Drift: model ${event.modelVersion ?? '?'} has a rolling MCC of ${formatNumber(event.mcc)} ` +
    `below its majority baseline's ${formatNumber(event.baselineMcc)} over the last ${event.windowN ?? '?'} ` +
    `resolved predictions${event.since ? ` (since ${event.since})` : ''}.`;
  setText(byId('drift-text'), text);
  show(byId('drift-banner'), true);
}

export function hideDrift() {
  dismissedDrift = shownDrift;
  show(byId('drift-banner'), false);
}

export function showNotice(text) {
  setText(byId('notice'), text);
}
