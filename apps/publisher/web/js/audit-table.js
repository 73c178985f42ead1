// The actual-vs-predicted audit table: a page of gold.predictions (live or as of a version/time), plus live rows.

import { el, setText, show } from './dom.js';
import { formatLabel, formatNumber, formatUs } from './format.js';

const PAGE_SIZE = 50;
const MAX_LIVE_ROWS = 50;

export class AuditTable {
  /**
   * @param {{ table: HTMLTableElement, liveBody: HTMLElement, goldBody: HTMLElement, caption: HTMLElement,
   *           nextButton: HTMLButtonElement, firstButton: HTMLButtonElement, error: HTMLElement }} nodes
   * @param {{ predictions: (params: object) => Promise<{ rows: object[], nextCursor: string|null, tableVersion: number }> }} api
   */
  constructor(nodes, api) {
    this.nodes = nodes;
    this.api = api;
    this.symbol = null;
    /** `{ mode: 'live' } | { mode: 'version', version } | { mode: 'asOf', asOf }` */
    this.view = { mode: 'live' };
    this.nextCursor = null;
    this.request = 0;
    nodes.nextButton.addEventListener('click', () => void this.load(this.nextCursor));
    nodes.firstButton.addEventListener('click', () => void this.load(null));
  }

  select(symbol) {
    this.symbol = symbol;
    this.nodes.liveBody.replaceChildren();
    return this.load(null);
  }

  setView(view) {
    this.view = view;
    if (view.mode !== 'live') this.nodes.liveBody.replaceChildren();
    return this.load(null);
  }

  get live() {
    return this.view.mode === 'live';
  }

  async load(cursor) {
    if (this.symbol === null) return;
    const request = ++this.request;
    const params = { symbol: this.symbol, limit: PAGE_SIZE, cursor: cursor ?? undefined };
    if (this.view.mode === 'version') params.version = this.view.version;
    if (this.view.mode === 'asOf') params.asOf = this.view.asOf;
    this.nodes.table.dataset.state = 'loading';
    try {
      const page = await this.api.predictions(params);
      if (request !== this.request) return; // a newer request superseded this one
      this.nextCursor = page.nextCursor ?? null;
      this.nodes.goldBody.replaceChildren(...page.rows.map((row) => auditRow(row, 'gold')));
      this.nodes.table.dataset.tableVersion = String(page.tableVersion);
      this.nodes.table.dataset.view = this.view.mode;
      setText(this.nodes.caption, caption(this.view, page.tableVersion, page.rows.length, cursor !== null));
      this.nodes.nextButton.disabled = this.nextCursor === null;
      this.nodes.firstButton.disabled = cursor === null;
      show(this.nodes.error, false);
      this.nodes.table.dataset.state = 'ready';
    } catch (error) {
      if (request !== this.request) return;
      setText(this.nodes.error, `Could not load Gold rows: ${error.message}`);
      show(this.nodes.error, true);
      this.nodes.table.dataset.state = 'error';
    }
  }

  /** A live `prediction` for the selected symbol (only while the table shows the live table). */
  addPrediction(event) {
    if (!this.live || event.symbol !== this.symbol) return;
    const row = {
      eventId: event.eventId,
      symbol: event.symbol,
      eventTimeUs: event.eventTimeUs,
      price: event.price,
      probability: event.probability,
      predictedLabel: event.predictedLabel,
      modelVersion: event.modelVersion,
      realizedReturn: null,
      actualLabel: null,
      silverVersion: event.silverVersion,
    };
    const existing = this.findRow(event.eventId, this.nodes.liveBody);
    if (existing) existing.replaceWith(auditRow(row, 'live'));
    else this.nodes.liveBody.prepend(auditRow(row, 'live'));
    while (this.nodes.liveBody.childElementCount > MAX_LIVE_ROWS)
      this.nodes.liveBody.lastElementChild?.remove();
  }

  /** A live `outcome`: resolves the row it belongs to, wherever it is shown. */
  applyOutcome(event) {
    if (!this.live || event.symbol !== this.symbol) return;
    for (const body of [this.nodes.liveBody, this.nodes.goldBody]) {
      const tr = this.findRow(event.eventId, body);
      if (!tr) continue;
      const previous = JSON.parse(tr.dataset.row ?? '{}');
      tr.replaceWith(
        auditRow(
          { ...previous, realizedReturn: event.realizedReturn, actualLabel: event.label },
          body === this.nodes.liveBody ? 'live' : 'gold',
        ),
      );
    }
  }

  findRow(eventId, body) {
    for (const tr of body.children) if (tr.dataset.eventId === eventId) return tr;
    return undefined;
  }
}

function auditRow(row, source) {
  const resolved = row.actualLabel === 0 || row.actualLabel === 1;
  const verdict = !resolved ? 'pending' : row.actualLabel === row.predictedLabel ? 'hit' : 'miss';
  return el(
    'tr',
    {
      class: `${source} ${verdict}`,
      dataset: { eventId: row.eventId, source, verdict, row: JSON.stringify(row) },
    },
    el('td', { class: 'time' }, formatUs(row.eventTimeUs)),
    el('td', {}, row.symbol),
    el('td', { class: 'num' }, formatNumber(row.price, 2)),
    el('td', { class: 'num' }, formatNumber(row.probability)),
    el('td', {}, formatLabel(row.predictedLabel)),
    el('td', {}, formatLabel(resolved ? row.actualLabel : null)),
    el('td', { class: 'num' }, resolved ? formatNumber(row.realizedReturn, 5) : '—'),
    el('td', { class: 'verdict' }, verdict),
    el('td', {}, row.modelVersion ?? '—'),
    el('td', { class: 'num' }, row.silverVersion ?? '—'),
  );
}

function caption(view, tableVersion, count, paged) {
  const page = paged ? 'a later page' : 'the first page';
  switch (view.mode) {
    case 'version':
      return `gold.predictions as of version ${view.version}: ${count} rows (${page})`;
    case 'asOf':
      return `gold.predictions as of ${view.asOf} (version ${tableVersion}): ${count} rows (${page})`;
    default:
      return `gold.predictions, latest (version ${tableVersion}): ${count} rows (${page}), live rows above`;
  }
}
