// The symbol selector: fills itself from what the API and the feed reveal; the first symbol seen is selected.

import { el } from './dom.js';

export class SymbolSelect {
  /**
   * @param {HTMLSelectElement} select
   * @param {(symbol: string) => void} onSelect
   */
  constructor(select, onSelect) {
    this.select = select;
    this.onSelect = onSelect;
    this.symbols = new Set();
    this.current = null;
    select.addEventListener('change', () => this.choose(select.value));
  }

  /** Adds a symbol if new; selects it when nothing is selected yet (or when it is the one asked for). */
  add(symbol, preferred = null) {
    if (typeof symbol !== 'string' || symbol === '' || this.symbols.has(symbol)) return;
    this.symbols.add(symbol);
    const sorted = [...this.symbols].sort();
    this.select.replaceChildren(...sorted.map((s) => el('option', { value: s }, s)));
    this.select.disabled = false;
    if (this.current === null || symbol === preferred) this.choose(symbol);
    else this.select.value = this.current;
  }

  choose(symbol) {
    if (!this.symbols.has(symbol) || symbol === this.current) return;
    this.current = symbol;
    this.select.value = symbol;
    this.onSelect(symbol);
  }
}
