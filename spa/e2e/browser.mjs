// Launches Debian's Chromium through playwright-core (no downloaded browsers).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

// Pages run under the server's Content-Security-Policy: whatever it refuses is a bug in the
// app or in the policy. watchCSP adds each refusal Chromium reports on page to found.
export function watchCSP(page, found) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' && msg.text().includes('Content Security Policy')) {
      found.push(`${page.url()}: ${msg.text()}`);
    }
  });
}

/**
 * A page in a fresh context (empty cookies and cache) of the given size, with a 20 s default
 * timeout, reporting Content-Security-Policy refusals into violations.
 */
export async function openPage(browser, violations, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  watchCSP(page, violations);
  return { context, page };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is and returns its serious and critical violations, one
 * line each ("color-contrast: .muted (3)"). The engine is evaluated through the debugging
 * protocol, which the page's Content-Security-Policy does not govern.
 */
export async function a11yViolations(page) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')} (${v.nodes.length})`);
  });
  return found.map((f) => `${new URL(page.url()).pathname}: ${f}`);
}
