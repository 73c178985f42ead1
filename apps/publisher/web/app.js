// The publisher's dashboard: wires the live feed, the HTTP API and the page's parts. No build step: ES modules.

import { AccuracyCards } from './js/accuracy-cards.js';
import { createApiClient, rowsOf } from './js/api-client.js';
import { AuditTable } from './js/audit-table.js';
import { byId } from './js/dom.js';
import { formatUs, usToMs } from './js/format.js';
import { HistoryPicker } from './js/history-picker.js';
import { connectLiveFeed } from './js/live-feed.js';
import {
  hideAuthError,
  hideDrift,
  renderStatus,
  showAuthError,
  showDrift,
  showNotice,
} from './js/notices.js';
import { PriceChart } from './js/price-chart.js';
import { SymbolSelect } from './js/symbol-select.js';
import { adoptTokenFromUrl, loadToken, saveToken } from './js/token-store.js';

const BARS_LOOKBACK_MS = 60 * 60_000;
const PREDICTIONS_LOOKBACK_MS = 5 * 60_000;
const HISTORY_PAGE_LIMIT = 1000;
const GAP_MAX_PAGES = 10;
const STATS_INTERVAL_MS = 250;
const RELOAD_DEBOUNCE_MS = 5_000;

const preferredSymbol = new URL(window.location.href).searchParams.get('symbol');
adoptTokenFromUrl();

const api = createApiClient({
  getToken: loadToken,
  onUnauthorized: (error) => showAuthError(error.code, error.reason),
});
const chart = new PriceChart(byId('chart'));
const cards = new AccuracyCards(byId('accuracy-cards'));
const audit = new AuditTable(
  {
    table: byId('audit-table'),
    liveBody: byId('audit-live'),
    goldBody: byId('audit-gold'),
    caption: byId('audit-caption'),
    nextButton: byId('audit-next'),
    firstButton: byId('audit-first'),
    error: byId('audit-error'),
  },
  api,
);
const picker = new HistoryPicker(
  {
    select: byId('version-select'),
    asOfInput: byId('asof-input'),
    asOfButton: byId('asof-apply'),
    refreshButton: byId('history-refresh'),
    note: byId('history-note'),
  },
  api,
  (view) => void audit.setView(view),
);
const symbols = new SymbolSelect(byId('symbol-select'), (symbol) => {
  chart.select(symbol);
  cards.select(symbol);
  void audit.select(symbol);
  void loadSymbolHistory(symbol);
});

/** The latest event time seen per symbol (µs string), where history loads and gap fills start. */
const latestEventUs = new Map();
const historyLoaded = new Set();
let eventsReceived = 0;
let lastReloadMs = 0;

function noteEventTime(symbol, eventTimeUs) {
  const previous = latestEventUs.get(symbol);
  if (previous === undefined || BigInt(eventTimeUs) > BigInt(previous))
    latestEventUs.set(symbol, eventTimeUs);
}

// Thousands of events a second: the counter is redrawn at most every STATS_INTERVAL_MS.
let lastEventUs = null;
let statsTimer = null;
function countEvent(eventTimeUs) {
  eventsReceived += 1;
  lastEventUs = eventTimeUs;
  statsTimer ??= setTimeout(() => {
    statsTimer = null;
    const stats = byId('feed-stats');
    stats.dataset.events = String(eventsReceived);
    stats.textContent = `${eventsReceived} live events · last event ${formatUs(lastEventUs)}`;
  }, STATS_INTERVAL_MS);
}

/** A Gold row (history or gap fill) onto the chart. */
function applyGoldRow(row) {
  symbols.add(row.symbol, preferredSymbol);
  noteEventTime(row.symbol, row.eventTimeUs);
  chart.addPrice(row.symbol, row.eventTimeUs, row.price);
  if (row.predictedLabel === 1)
    chart.markPredicted(row.symbol, row.eventId, row.eventTimeUs, row.probability);
  if (row.actualLabel === 1) chart.markRealized(row.symbol, row.eventId, row.eventTimeUs);
}

async function loadSymbolHistory(symbol) {
  if (historyLoaded.has(symbol)) return;
  historyLoaded.add(symbol);
  const latest = latestEventUs.get(symbol);
  const since = (lookbackMs) => (latest ? new Date(usToMs(latest) - lookbackMs).toISOString() : undefined);
  // Bars and predictions load independently: a chart without bars still gets its predictions and markers.
  const [bars, predictions] = await Promise.allSettled([
    api.bars({ symbol, from: since(BARS_LOOKBACK_MS), limit: HISTORY_PAGE_LIMIT }),
    api.predictions({ symbol, from: since(PREDICTIONS_LOOKBACK_MS), limit: HISTORY_PAGE_LIMIT }),
  ]);
  if (bars.status === 'fulfilled') {
    for (const bar of rowsOf(bars.value)) chart.addPrice(symbol, bar.minuteStartUs, bar.close);
  }
  if (predictions.status === 'fulfilled') {
    for (const row of rowsOf(predictions.value)) applyGoldRow(row);
  }
  const failed = [bars, predictions].filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    if (predictions.status === 'rejected') historyLoaded.delete(symbol);
    showNotice(`Could not load the history of ${symbol}: ${failed.map((r) => r.reason.message).join('; ')}`);
  }
}

/** Events the socket could not deliver come from Gold instead. */
async function fillGap(gap) {
  const from = latestEventUs.get(gap.symbol);
  let cursor;
  let filled = 0;
  try {
    for (let page = 0; page < GAP_MAX_PAGES; page += 1) {
      const body = await api.predictions({
        symbol: gap.symbol,
        from: from ? new Date(usToMs(from)).toISOString() : undefined,
        limit: HISTORY_PAGE_LIMIT,
        cursor,
      });
      for (const row of rowsOf(body)) applyGoldRow(row);
      filled += rowsOf(body).length;
      cursor = body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    showNotice(
      `Filled a gap in ${gap.symbol} (seq ${gap.fromSeq}–${gap.toSeq}) from Gold: ${filled} rows read.`,
    );
  } catch (error) {
    showNotice(`Could not fill a gap in ${gap.symbol} from Gold: ${error.message}`);
  }
}

async function loadOverview() {
  try {
    for (const signal of rowsOf(await api.latestSignals())) {
      noteEventTime(signal.symbol, signal.eventTimeUs);
      symbols.add(signal.symbol, preferredSymbol);
    }
    cards.replaceAll(rowsOf(await api.accuracy({})));
    await picker.refresh();
  } catch (error) {
    showNotice(`Could not load the overview: ${error.message}`);
  }
}

const feed = connectLiveFeed({
  getToken: loadToken,
  onStatus: (state, detail) => {
    renderStatus(state, detail);
    if (state === 'connected' || state === 'recovered') hideAuthError();
  },
  onAuthError: showAuthError,
  onPrediction: (event) => {
    countEvent(event.eventTimeUs);
    symbols.add(event.symbol, preferredSymbol);
    noteEventTime(event.symbol, event.eventTimeUs);
    chart.addPrice(event.symbol, event.eventTimeUs, event.price);
    if (event.predictedLabel === 1)
      chart.markPredicted(event.symbol, event.eventId, event.eventTimeUs, event.probability);
    audit.addPrediction(event);
  },
  onOutcome: (event) => {
    countEvent(event.eventTimeUs);
    symbols.add(event.symbol, preferredSymbol);
    if (event.label === 1) chart.markRealized(event.symbol, event.eventId, event.eventTimeUs);
    audit.applyOutcome(event);
  },
  onAccuracy: (event) => cards.update(event),
  onDrift: showDrift,
  onGap: (gap) => void fillGap(gap),
  onNewRun: () => {
    // Every symbol reveals the restart on its own first event: reload once.
    if (Date.now() - lastReloadMs < RELOAD_DEBOUNCE_MS) return;
    lastReloadMs = Date.now();
    showNotice('The publisher restarted: reloading from Gold.');
    historyLoaded.clear();
    if (symbols.current) void loadSymbolHistory(symbols.current);
  },
});

byId('auth-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId('token-input');
  const token = input.value.trim();
  if (token === '') return;
  saveToken(token);
  input.value = '';
  hideAuthError();
  feed.reconnect();
  void loadOverview();
});
byId('drift-dismiss').addEventListener('click', hideDrift);

void loadOverview();
