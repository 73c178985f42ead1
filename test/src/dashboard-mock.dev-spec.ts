// Development only (not in the suite): the page against the throwaway mock.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DashboardTab, launchChromium } from './dashboard/dashboard-browser';
import { MockPublisher, type MockRow } from './dashboard/mock-publisher';

const TOKEN = 'good-token';
function row(i: number, label: 0 | 1): MockRow {
  return {
    eventId: i.toString(16).padStart(64, '0'),
    symbol: 'SPX',
    eventTimeUs: String(BigInt(Date.UTC(2024, 0, 2, 14, 30) + i * 2000) * 1000n),
    price: 100 + Math.sin(i),
    probability: label ? 0.9 : 0.1,
    predictedLabel: label,
    modelVersion: 'm1',
    backend: 'onnx-cpu',
    realizedReturn: null,
    actualLabel: null,
    silverVersion: '3',
    resolvedAt: null,
  };
}

describe('dashboard against the mock', { timeout: 60_000 }, () => {
  let mock: MockPublisher;
  let url: string;
  let browser: Browser;
  before(async () => {
    mock = new MockPublisher(TOKEN);
    url = await mock.start();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await mock?.stop();
  });

  it('works', async () => {
    const v1 = mock.commit([row(1, 0), row(2, 1)]);
    mock.commit([row(3, 1), row(4, 0)]);
    const bad = await DashboardTab.open(browser, `${url}/?token=nope`);
    await bad.until('auth error', `!document.querySelector('#auth-panel').hidden`, 10_000);
    console.log(await bad.page.locator('#auth-message').textContent());
    await bad.close();

    const tab = await DashboardTab.open(browser, `${url}/?token=${TOKEN}`);
    assert.equal(new URL(tab.page.url()).search, '');
    await tab.until(
      'connected',
      `document.querySelector('#connection-status').dataset.state === 'connected'`,
      10_000,
    );
    await tab.until('gold rows', `document.querySelectorAll('#audit-gold tr').length === 4`, 10_000);
    for (let i = 5; i < 12; i++) mock.emitPrediction(row(i, (i % 2) as 0 | 1));
    await tab.until(
      'markers',
      `Number(document.querySelector('#chart').dataset.predictedMarkers) >= 5`,
      10_000,
    );
    mock.emitDrift();
    await tab.page.locator('#history-refresh').click();
    await tab.until('versions', `document.querySelector('#version-select').options.length >= 4`, 10_000);
    await tab.page.locator('#version-select').selectOption(String(v1));
    await tab.until('older table', `document.querySelectorAll('#audit-gold tr').length === 2`, 10_000);
    console.log(await tab.goldRowIds(), tab.problems);
    console.log(await tab.screenshot('dashboard-mock.png'));
  });
});
