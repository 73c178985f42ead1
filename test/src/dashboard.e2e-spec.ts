import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  chromiumAvailable,
  CHROMIUM_PATH,
  DashboardTab,
  launchChromium,
} from './dashboard/dashboard-browser';
import { MODEL_VERSION, PublisherHarness, type TestEvent, testEvent } from './dashboard/publisher-harness';
import { REPO_ROOT } from './stage-process';

const SYMBOL = 'SPX';
const OTHER_SYMBOL = 'NDX';
const PAGE_TIMEOUT_MS = 30_000;
const ACCURACY_INTERVAL_MS = 500;
/** Every third event is a predicted jump. */
const jumpEvery3 = (n: number): 0 | 1 => (n % 3 === 0 ? 1 : 0);
const events = (from: number, count: number, symbol = SYMBOL): TestEvent[] =>
  Array.from({ length: count }, (_, i) => testEvent(from + i, symbol, jumpEvery3(from + i)));

// Batch A lands in Gold (version `versionA`), then A's outcomes, then batch B; batch C arrives while the page is open.
const BATCH_A = events(0, 6);
const BATCH_B = events(6, 6);
/** How long the test waits after version A before the next Gold commit can start. */
const QUIET_AFTER_A_MS = 1_000;
const BATCH_C = events(12, 9);
const OTHER = events(0, 3, OTHER_SYMBOL);
/** A's realized jumps: its even events. */
const realizedJump = (e: TestEvent): 0 | 1 => (e.n % 2 === 0 ? 1 : 0);
const jumps = (list: readonly TestEvent[]) => list.filter((e) => e.predictedLabel === 1).length;

const skip = chromiumAvailable()
  ? false
  : `${CHROMIUM_PATH} is absent (apt-get install chromium); browser test skipped`;

describe(
  'the dashboard in headless Chromium, served by the real publisher',
  { timeout: 180_000, skip },
  () => {
    let publisher: PublisherHarness;
    let browser: Browser;
    let versionA: number;
    let dashboard: DashboardTab | undefined;

    before(async () => {
      publisher = await PublisherHarness.start({
        ACCURACY_INTERVAL_MS: String(ACCURACY_INTERVAL_MS),
        // The drift rule judges once A and OTHER are all resolved, and trips on the first evaluation below baseline.
        DRIFT_MIN_WINDOW: String(BATCH_A.length + OTHER.length),
        DRIFT_CONSECUTIVE: '1',
      });
      browser = await launchChromium();

      await publisher.publishPredictions([...BATCH_A, ...OTHER]);
      versionA = await publisher.goldVersionWhere('batch A in Gold', SYMBOL, (rows) =>
        BATCH_A.every((e) => rows.has(e.eventId)),
      );
      // A quiet stretch after version A, so an instant inside it is unambiguous for the as-of check.
      await new Promise((r) => setTimeout(r, QUIET_AFTER_A_MS));
      await publisher.publishOutcomes(BATCH_A, realizedJump);
      await publisher.goldVersionWhere('A resolved in Gold', SYMBOL, (rows) =>
        BATCH_A.every((e) => rows.get(e.eventId)?.actualLabel === realizedJump(e)),
      );
      await publisher.publishPredictions(BATCH_B);
      await publisher.goldVersionWhere('batch B in Gold', SYMBOL, (rows) =>
        BATCH_B.every((e) => rows.has(e.eventId)),
      );
    });

    after(async () => {
      await dashboard?.close();
      await browser?.close();
      await publisher?.stop();
    });

    it('refuses a bad token with a clear message and a token input', async () => {
      const tab = await DashboardTab.open(browser, `${publisher.app.url}/?token=not-a-jwt`);
      try {
        await tab.until('the auth panel', `!document.querySelector('#auth-panel').hidden`, PAGE_TIMEOUT_MS);
        assert.equal(await tab.attribute('#auth-message', 'data-code'), 'AUTH_INVALID');
        assert.match((await tab.page.locator('#auth-message').textContent()) ?? '', /refused/);
        assert.equal(await tab.attribute('#connection-status', 'data-state'), 'unauthorized');
        assert.ok(await tab.page.locator('#token-input').isVisible(), 'a token input is offered');
      } finally {
        await tab.close();
      }
    });

    it('loads, authenticates with the ?token= it then removes from the address bar, and shows Gold', async () => {
      dashboard = await DashboardTab.open(
        browser,
        `${publisher.app.url}/?symbol=${SYMBOL}&token=${publisher.token}`,
      );
      const tab = dashboard;
      assert.equal(
        new URL(tab.page.url()).searchParams.has('token'),
        false,
        'the token left the address bar',
      );
      await tab.until(
        'live',
        `document.querySelector('#connection-status').dataset.state === 'connected'`,
        PAGE_TIMEOUT_MS,
      );
      assert.ok(await tab.page.locator('#auth-panel').isHidden());
      await tab.until(
        `the ${BATCH_A.length + BATCH_B.length} Gold rows of ${SYMBOL}`,
        `document.querySelectorAll('#audit-gold tr').length === ${BATCH_A.length + BATCH_B.length}`,
        PAGE_TIMEOUT_MS,
      );
      assert.deepEqual(
        await tab.goldRowIds(),
        [...BATCH_A, ...BATCH_B].map((e) => e.eventId),
      );
      const resolved = await tab.page.locator('#audit-gold tr:not(.pending)').count();
      assert.equal(resolved, BATCH_A.length, "A's outcomes are in the table");
    });

    it('marks the predicted and realized jumps from Gold, then each live prediction as it arrives', async () => {
      const tab = dashboard;
      assert.ok(tab, 'the dashboard is open');
      const fromGold = jumps(BATCH_A) + jumps(BATCH_B);
      await tab.until(
        `${fromGold} predicted-jump markers from Gold`,
        `document.querySelector('#chart').dataset.predictedMarkers === '${fromGold}'`,
        PAGE_TIMEOUT_MS,
      );
      const realized = BATCH_A.filter((e) => realizedJump(e) === 1).length;
      await tab.until(
        `${realized} realized-jump markers`,
        `document.querySelector('#chart').dataset.realizedMarkers === '${realized}'`,
        PAGE_TIMEOUT_MS,
      );

      await publisher.publishPredictions(BATCH_C);
      const total = fromGold + jumps(BATCH_C);
      await tab.until(
        `${total} predicted-jump markers once batch C arrived live`,
        `document.querySelector('#chart').dataset.predictedMarkers === '${total}'`,
        PAGE_TIMEOUT_MS,
      );
      await tab.until(
        `${BATCH_C.length} live rows`,
        `document.querySelectorAll('#audit-live tr').length === ${BATCH_C.length}`,
        PAGE_TIMEOUT_MS,
      );
      assert.ok(Number(await tab.attribute('#chart', 'data-points')) > 0, 'the price line has points');
      await publisher.goldVersionWhere('batch C in Gold', SYMBOL, (rows) =>
        BATCH_C.every((e) => rows.has(e.eventId)),
      );
    });

    it('shows an accuracy card with n, the base rate, the model version and the majority baseline', async () => {
      const tab = dashboard;
      assert.ok(tab, 'the dashboard is open');
      const card = `#accuracy-cards [data-testid="accuracy-card"][data-model="${MODEL_VERSION}"][data-scope="${SYMBOL}"]`;
      await tab.until(
        `the ${SYMBOL} card over A's ${BATCH_A.length} resolved predictions`,
        `document.querySelector('${card} [data-field="n"]')?.textContent === '${BATCH_A.length}'`,
        PAGE_TIMEOUT_MS,
      );
      const realizedRate = BATCH_A.filter((e) => realizedJump(e) === 1).length / BATCH_A.length;
      assert.equal(
        await tab.page.locator(`${card} [data-field="base-rate"]`).textContent(),
        `${(realizedRate * 100).toFixed(1)}%`,
      );
      const baselines = await tab.page.locator(`${card} td.baseline`).allTextContents();
      assert.equal(baselines.length, 3, 'a baseline beside each of the model numbers');
      assert.ok(
        baselines.every((text) => /^-?\d\.\d{3}$/.test(text)),
        `baselines are numbers: ${baselines.join(', ')}`,
      );
    });

    it('raises the drift banner when the rolling MCC falls below the majority baseline', async () => {
      const tab = dashboard;
      assert.ok(tab, 'the dashboard is open');
      assert.ok(
        await tab.page.locator('#drift-banner').isHidden(),
        'no drift while MCC equals the baseline (0)',
      );
      // Every OTHER outcome contradicts its prediction: over A and OTHER the model's MCC is negative.
      await publisher.publishOutcomes(OTHER, (e) => (e.predictedLabel === 1 ? 0 : 1));
      await tab.until('the drift banner', `!document.querySelector('#drift-banner').hidden`, PAGE_TIMEOUT_MS);
      const text = (await tab.page.locator('#drift-text').textContent()) ?? '';
      assert.match(text, new RegExp(`model ${MODEL_VERSION} has a rolling MCC of -0\\.\\d{3} below`));
      await tab.page.locator('#drift-dismiss').click();
      assert.ok(await tab.page.locator('#drift-banner').isHidden(), 'dismissed');
    });

    it('shows the older Gold version when the picker selects it (time-travel audit)', async () => {
      const tab = dashboard;
      assert.ok(tab, 'the dashboard is open');
      await tab.page.locator('#history-refresh').click();
      await tab.until(
        `version ${versionA} in the picker`,
        `[...document.querySelector('#version-select').options].some((o) => o.value === '${versionA}')`,
        PAGE_TIMEOUT_MS,
      );
      await tab.page.locator('#version-select').selectOption(String(versionA));
      await tab.until(
        `the table at version ${versionA}`,
        `document.querySelector('#audit-table').dataset.view === 'version' && ` +
          `document.querySelectorAll('#audit-gold tr').length === ${BATCH_A.length}`,
        PAGE_TIMEOUT_MS,
      );
      assert.deepEqual(
        await tab.goldRowIds(),
        BATCH_A.map((e) => e.eventId),
      );
      assert.equal(
        await tab.page.locator('#audit-gold tr.pending').count(),
        BATCH_A.length,
        'unresolved back then',
      );
      assert.equal(await tab.page.locator('#audit-live tr').count(), 0, 'no live rows in a past version');
      assert.match(
        (await tab.page.locator('#audit-caption').textContent()) ?? '',
        new RegExp(`version ${versionA}`),
      );

      // The same point by time, in the as-of input (UTC, to the millisecond): halfway between version A's commit and
      // the next one, at least QUIET_AFTER_A_MS apart. Not A's own history timestamp: Delta resolves `asOf` by
      // commit-file times, which differ from the history's commit-info timestamps by a few milliseconds either way.
      const [fromMs, toMs] = await Promise.all(
        [versionA, versionA + 1].map(async (v) => Date.parse(await publisher.commitTime(v))),
      );
      const committedAt = new Date(Math.round((fromMs! + toMs!) / 2)).toISOString();
      assert.equal(
        await publisher.versionAsOf(committedAt),
        versionA,
        `the API reads version ${versionA} as of ${committedAt}`,
      );
      await tab.page.locator('#asof-input').fill(committedAt.replace(/Z$/, ''));
      await tab.page.locator('#asof-apply').click();
      await tab.until(
        `the table as of ${committedAt}`,
        `document.querySelector('#audit-table').dataset.view === 'asOf' && ` +
          `document.querySelector('#audit-table').dataset.tableVersion === '${versionA}'`,
        PAGE_TIMEOUT_MS,
      );
      assert.deepEqual(
        await tab.goldRowIds(),
        BATCH_A.map((e) => e.eventId),
      );

      await tab.page.locator('#version-select').selectOption('live');
      await tab.until(
        'the latest table again',
        `document.querySelector('#audit-table').dataset.view === 'live' && ` +
          `document.querySelectorAll('#audit-gold tr').length === ${BATCH_A.length + BATCH_B.length + BATCH_C.length}`,
        PAGE_TIMEOUT_MS,
      );
    });

    it('keeps a screenshot of the dashboard as a test artifact', async () => {
      const tab = dashboard;
      assert.ok(tab, 'the dashboard is open');
      const path = await tab.screenshot('dashboard.png');
      assert.ok(statSync(path).size > 10_000, `${path} holds a real screenshot`);
      assert.deepEqual(tab.problems, [], 'no page errors or console errors');
    });

    it('keeps the token for the session: a reload authenticates without ?token=', async () => {
      const tab = dashboard;
      assert.ok(tab, 'the dashboard is open');
      await tab.page.reload({ waitUntil: 'load' });
      assert.equal(new URL(tab.page.url()).searchParams.has('token'), false);
      await tab.until(
        'live again',
        `document.querySelector('#connection-status').dataset.state === 'connected'`,
        PAGE_TIMEOUT_MS,
      );
      assert.ok(await tab.page.locator('#auth-panel').isHidden(), 'no auth error after the reload');
    });
  },
);

interface SeqVerdict {
  verdict: 'next' | 'duplicate' | 'gap' | 'restart' | 'invalid';
  gap?: { symbol: string; fromSeq: number; toSeq: number };
}
interface SeqTrackerLike {
  accept(kind: string, event: unknown): SeqVerdict;
  since(): Record<string, number>;
}

// The page's feed bookkeeping is a plain ES module: run here in Node, on the same file the browser loads.
describe("the dashboard's sequence tracker (the page's module, in Node)", () => {
  const load = async (): Promise<SeqTrackerLike> => {
    const url = pathToFileURL(join(REPO_ROOT, 'apps/publisher/web/js/seq-tracker.js')).href;
    const module = (await import(url)) as { SeqTracker: new () => SeqTrackerLike };
    return new module.SeqTracker();
  };
  const event = (seq: number, id: string, symbol = SYMBOL) => ({ seq, symbol, eventId: id });

  it('delivers consecutive events and drops a replayed one', async () => {
    const tracker = await load();
    assert.equal(tracker.accept('prediction', event(1, 'a')).verdict, 'next');
    assert.equal(
      tracker.accept('outcome', event(2, 'a')).verdict,
      'next',
      'the outcome of the same event is new',
    );
    assert.equal(tracker.accept('prediction', event(1, 'a')).verdict, 'duplicate');
    assert.deepEqual(tracker.since(), { [SYMBOL]: 2 });
  });

  it("reports a hole in a symbol's sequence as the gap to fetch from Gold", async () => {
    const tracker = await load();
    tracker.accept('prediction', event(4, 'a'));
    assert.deepEqual(tracker.accept('prediction', event(9, 'b')), {
      verdict: 'gap',
      gap: { symbol: SYMBOL, fromSeq: 5, toSeq: 8 },
    });
    assert.equal(tracker.accept('prediction', event(1, 'c', OTHER_SYMBOL)).verdict, 'next', 'per symbol');
  });

  it('recognises a restarted publisher (a new event numbered from scratch) instead of dropping it', async () => {
    const tracker = await load();
    tracker.accept('prediction', event(40, 'a'));
    assert.equal(tracker.accept('prediction', event(1, 'fresh')).verdict, 'restart');
    assert.equal(tracker.accept('prediction', event(2, 'fresh-2')).verdict, 'next');
  });

  it('refuses events without a symbol, an integer seq or an event id', async () => {
    const tracker = await load();
    for (const bad of [
      null,
      { seq: 1, eventId: 'x' },
      { symbol: SYMBOL, seq: '1', eventId: 'x' },
      { symbol: SYMBOL, seq: 1 },
    ]) {
      assert.equal(tracker.accept('prediction', bad).verdict, 'invalid');
    }
  });
});
