// Accuracy cards: the model's numbers always beside n, the base rate, the model version and the majority baseline.

import { el } from './dom.js';
import { formatNumber, formatPercent } from './format.js';

const ALL = '*';
/** Differences below the third decimal shown are a tie. */
const TIE_TOLERANCE = 5e-4;

export class AccuracyCards {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    /** @type {Map<string, object>} `${modelVersion}|${symbol ?? '*'}` → the latest row */
    this.rows = new Map();
    this.symbol = null;
  }

  /** A row of gold.accuracy or an `accuracy` socket event (same fields). */
  update(row) {
    if (!row || typeof row.modelVersion !== 'string' || typeof row.n !== 'number') return;
    this.rows.set(`${row.modelVersion}|${row.symbol ?? ALL}`, row);
    this.render();
  }

  replaceAll(rows) {
    this.rows.clear();
    for (const row of rows) this.update(row);
    this.render();
  }

  select(symbol) {
    this.symbol = symbol;
    this.render();
  }

  render() {
    const wanted = [...this.rows.values()]
      .filter((row) => row.symbol === null || row.symbol === undefined || row.symbol === this.symbol)
      .sort(
        (a, b) =>
          (a.symbol ?? '').localeCompare(b.symbol ?? '') || b.modelVersion.localeCompare(a.modelVersion),
      );
    if (wanted.length === 0) {
      this.container.replaceChildren(
        el('p', { class: 'empty' }, 'No resolved predictions yet: accuracy appears once outcomes arrive.'),
      );
      return;
    }
    this.container.replaceChildren(...wanted.map(card));
  }
}

function card(row) {
  const scope = row.symbol ?? 'all symbols';
  return el(
    'article',
    { class: 'card', dataset: { testid: 'accuracy-card', model: row.modelVersion, scope } },
    el(
      'header',
      {},
      el('span', { class: 'scope' }, scope),
      el('span', { class: 'model' }, `model ${row.modelVersion}`),
    ),
    el(
      'dl',
      { class: 'facts' },
      fact('n (resolved)', String(row.n), 'n'),
      fact('base rate (jumps)', formatPercent(row.positiveRate), 'base-rate'),
    ),
    el(
      'table',
      { class: 'versus' },
      el(
        'thead',
        {},
        el('tr', {}, el('th', {}, ''), el('th', {}, 'model'), el('th', {}, 'majority baseline')),
      ),
      el(
        'tbody',
        {},
        versus('accuracy', row.accuracy, row.baselineAccuracy),
        versus('balanced accuracy', row.balancedAccuracy, majorityBalancedAccuracy(row)),
        versus('MCC', row.mcc, row.baselineMcc),
      ),
    ),
  );
}

function fact(label, value, key) {
  return [el('dt', {}, label), el('dd', { dataset: { field: key } }, value)];
}

function versus(label, model, baseline) {
  return el(
    'tr',
    {},
    el('th', {}, label),
    el('td', { class: comparison(model, baseline) }, formatNumber(model)),
    el('td', { class: 'baseline' }, formatNumber(baseline)),
  );
}

function comparison(model, baseline) {
  if (typeof model !== 'number' || typeof baseline !== 'number') return 'unknown';
  if (Math.abs(model - baseline) < TIE_TOLERANCE) return 'tie';
  return model > baseline ? 'better' : 'worse';
}

/** A constant predictor's balanced accuracy is 0.5 whenever both classes occur (undefined otherwise). */
function majorityBalancedAccuracy(row) {
  if (typeof row.baselineBalancedAccuracy === 'number') return row.baselineBalancedAccuracy;
  return row.positiveRate > 0 && row.positiveRate < 1 ? 0.5 : null;
}
