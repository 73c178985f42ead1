// The time-travel picker: a gold.predictions version from the table's history, or a UTC timestamp.

import { el, setText } from './dom.js';
import { formatMs, timestampToMs } from './format.js';

const TABLE = 'gold.predictions';
const HISTORY_LIMIT = 100;
const LIVE = 'live';

export class HistoryPicker {
  /**
   * @param {{ select: HTMLSelectElement, asOfInput: HTMLInputElement, asOfButton: HTMLButtonElement,
   *           refreshButton: HTMLButtonElement, note: HTMLElement }} nodes
   * @param {{ tableHistory: (table: string, limit: number) => Promise<object[]> }} api
   * @param {(view: object) => void} onChange
   */
  constructor(nodes, api, onChange) {
    this.nodes = nodes;
    this.api = api;
    this.onChange = onChange;
    this.versions = [];
    nodes.select.addEventListener('change', () => {
      const value = nodes.select.value;
      if (value === LIVE) onChange({ mode: 'live' });
      else onChange({ mode: 'version', version: Number(value) });
    });
    nodes.asOfButton.addEventListener('click', () => {
      // The input has no zone: the page labels it UTC and reads it as UTC.
      const ms = Date.parse(`${nodes.asOfInput.value}Z`);
      if (Number.isNaN(ms)) {
        setText(nodes.note, 'Pick a date and time first.');
        return;
      }
      nodes.select.value = LIVE;
      const asOf = new Date(ms).toISOString();
      setText(nodes.note, `Showing Gold as of ${asOf}.`);
      onChange({ mode: 'asOf', asOf });
    });
    nodes.refreshButton.addEventListener('click', () => void this.refresh());
  }

  async refresh() {
    try {
      const history = await this.api.tableHistory(TABLE, HISTORY_LIMIT);
      const entries = (Array.isArray(history) ? history : [])
        .filter((h) => Number.isInteger(h.version))
        .sort((a, b) => b.version - a.version);
      this.render(entries);
      setText(
        this.nodes.note,
        entries.length > 0 ? `${entries.length} versions of ${TABLE}.` : `${TABLE} has no commits yet.`,
      );
    } catch (error) {
      setText(this.nodes.note, `Could not load the history of ${TABLE}: ${error.message}`);
    }
  }

  render(entries) {
    const selected = this.nodes.select.value || LIVE;
    const options = [el('option', { value: LIVE }, 'latest (live)')];
    for (const entry of entries) {
      const ms = timestampToMs(entry.timestamp);
      const when = ms === null ? 'unknown time' : formatMs(ms);
      const operation = entry.operation ? ` · ${entry.operation}` : '';
      options.push(el('option', { value: String(entry.version) }, `v${entry.version} · ${when}${operation}`));
    }
    this.nodes.select.replaceChildren(...options);
    this.nodes.select.value = [...this.nodes.select.options].some((o) => o.value === selected)
      ? selected
      : LIVE;
    this.nodes.select.dataset.versions = String(entries.length);
  }
}
