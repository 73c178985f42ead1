// The live price chart (lightweight-charts v5): one line per symbol, markers on predicted and realized jumps.
// Points are kept per symbol (last price of each second, the chart's time unit); only the selected one is drawn.

import { usToSeconds } from './format.js';

const MAX_POINTS_PER_SYMBOL = 20_000;
const MAX_MARKERS_PER_SYMBOL = 2_000;
const RENDER_INTERVAL_MS = 200;
const FIT_ALL_MAX_POINTS = 300;

const PREDICTED_MARKER = { position: 'aboveBar', shape: 'arrowDown', color: '#d97706', text: 'P' };
const REALIZED_MARKER = { position: 'belowBar', shape: 'arrowUp', color: '#2563eb', text: 'J' };

export class PriceChart {
  /** @param {HTMLElement} container */
  constructor(container) {
    const { createChart, createSeriesMarkers, LineSeries } = window.LightweightCharts;
    this.container = container;
    this.chart = createChart(container, {
      autoSize: true,
      layout: { background: { color: '#ffffff' }, textColor: '#1f2937' },
      grid: { vertLines: { color: '#f1f5f9' }, horzLines: { color: '#f1f5f9' } },
      timeScale: { timeVisible: true, secondsVisible: true },
    });
    this.series = this.chart.addSeries(LineSeries, { color: '#0f766e', lineWidth: 2 });
    this.markers = createSeriesMarkers(this.series, []);
    /** @type {Map<string, { points: {time:number,value:number}[], predicted: Map<string, object>, realized: Map<string, object> }>} */
    this.bySymbol = new Map();
    this.selected = null;
    this.fitPending = true;
    this.dirty = false;
    this.timer = null;
  }

  select(symbol) {
    this.selected = symbol;
    this.fitPending = true;
    this.scheduleRender();
  }

  /** A price at an event time (from a prediction, a Gold row or a bar). */
  addPrice(symbol, eventTimeUs, price) {
    if (typeof price !== 'number' || !Number.isFinite(price)) return;
    const points = this.entry(symbol).points;
    const time = usToSeconds(eventTimeUs);
    const last = points[points.length - 1];
    if (!last || time > last.time) points.push({ time, value: price });
    else if (time === last.time) last.value = price;
    else insertSorted(points, { time, value: price });
    if (points.length > MAX_POINTS_PER_SYMBOL) points.splice(0, points.length - MAX_POINTS_PER_SYMBOL);
    this.touch(symbol);
  }

  /** A predicted jump (predictedLabel 1) at the event's time. */
  markPredicted(symbol, eventId, eventTimeUs, probability) {
    const text =
      typeof probability === 'number' ? `P ${(probability * 100).toFixed(0)}%` : PREDICTED_MARKER.text;
    this.putMarker(this.entry(symbol).predicted, `p:${eventId}`, eventTimeUs, { ...PREDICTED_MARKER, text });
    this.touch(symbol);
  }

  /** A realized jump (actual label 1) at the event's time. */
  markRealized(symbol, eventId, eventTimeUs) {
    this.putMarker(this.entry(symbol).realized, `r:${eventId}`, eventTimeUs, REALIZED_MARKER);
    this.touch(symbol);
  }

  putMarker(map, id, eventTimeUs, style) {
    map.set(id, { ...style, id, time: usToSeconds(eventTimeUs) });
    if (map.size > MAX_MARKERS_PER_SYMBOL) map.delete(map.keys().next().value);
  }

  entry(symbol) {
    let entry = this.bySymbol.get(symbol);
    if (!entry) {
      entry = { points: [], predicted: new Map(), realized: new Map() };
      this.bySymbol.set(symbol, entry);
    }
    return entry;
  }

  touch(symbol) {
    if (symbol === this.selected) this.scheduleRender();
  }

  // Many events a second: redraw at most every RENDER_INTERVAL_MS.
  scheduleRender() {
    this.dirty = true;
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.dirty) this.render();
    }, RENDER_INTERVAL_MS);
  }

  render() {
    this.dirty = false;
    const entry = this.selected === null ? undefined : this.bySymbol.get(this.selected);
    const points = entry?.points ?? [];
    this.series.setData(points);
    const markers = entry
      ? [...entry.predicted.values(), ...entry.realized.values()].sort((a, b) => a.time - b.time)
      : [];
    this.markers.setMarkers(points.length > 0 ? markers : []);
    if (points.length > 0 && (this.fitPending || points.length <= FIT_ALL_MAX_POINTS)) {
      // A newly selected symbol, or a short history, is shown whole; past that the view follows the latest points.
      this.chart.timeScale().fitContent();
      this.fitPending = false;
    }
    // What the chart really holds, for people reading the DOM and for the browser test.
    const shown = this.markers.markers();
    this.container.dataset.points = String(this.series.data().length);
    this.container.dataset.predictedMarkers = String(shown.filter((m) => m.id.startsWith('p:')).length);
    this.container.dataset.realizedMarkers = String(shown.filter((m) => m.id.startsWith('r:')).length);
  }
}

function insertSorted(points, point) {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].time < point.time) lo = mid + 1;
    else hi = mid;
  }
  if (points[lo]?.time === point.time) points[lo].value = point.value;
  else points.splice(lo, 0, point);
}
