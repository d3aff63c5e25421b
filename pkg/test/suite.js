// One browser's run of every scenario in cases.js, as node:test cases: a fresh page per
// scenario (a fresh browser where the scenario needs other preferences), one test per case.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { launch } from './browsers.js';
import { plan } from './cases.js';
import { serve } from './server.js';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/**
 * Registers the tests of `browserName` (`chromium`, `firefox` or a WebKit shape: see
 * browsers.js), at the top level of a test file or inside a `describe`.
 */
export function suite(browserName) {
  if (!existsSync(DIST)) {
    test('the package is built (pkg/dist/index.js)', () => {
      assert.fail('pkg/dist/ is missing: run `cargo xtask pkg` first');
    });
    return;
  }
  let server;
  const browsers = new Map();

  before(async () => {
    server = await serve();
  });
  after(async () => {
    for (const browser of browsers.values()) await browser.close();
    await server?.close();
  });

  async function browserFor(scenario) {
    const prefs = scenario.prefs ?? {};
    const key = JSON.stringify(prefs);
    if (!browsers.has(key)) browsers.set(key, await launch(browserName, { prefs }));
    return browsers.get(key);
  }

  for (const scenario of plan(browserName)) {
    describe(`${browserName}: ${scenario.name}`, () => {
      let browser;
      before(async () => {
        browser = await browserFor(scenario);
        const query = new URLSearchParams({ scenario: scenario.id, browser: browserName });
        await browser.open(`${server.origin}/test/page.html?${query}`);
        // The page's module script may not have run yet when the driver reports the page
        // loaded (WebKit, on a busy machine): wait for it, up to 30 s.
        await browser.run(`(async () => {
          for (let i = 0; i < 600 && !window.__harness; i += 1) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          return window.__harness.ready;
        })()`);
      });
      for (const testCase of scenario.cases) {
        test(testCase.name, async () => {
          const withLogs = (message) => {
            const logs = browser.logs.slice(-20).join('\n');
            return `${message}${logs ? `\n--- browser log ---\n${logs}` : ''}`;
          };
          let outcome;
          try {
            outcome = await browser.run(`window.__harness.run(${JSON.stringify(testCase.name)})`);
          } catch (error) {
            // The driver's own failure (a crashed page, say): the browser's log says more.
            assert.fail(withLogs(error.message));
          }
          if (!outcome.ok) assert.fail(withLogs(outcome.message));
        });
      }
    });
  }
}
