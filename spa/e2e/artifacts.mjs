// Where failure screenshots go: $E2E_ARTIFACTS_DIR, or a folder under the system temp dir.
// Never inside the repository.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'node:test';
import { a11yViolations } from './browser.mjs';

export function artifactsDir() {
  const dir = process.env.E2E_ARTIFACTS_DIR || join(tmpdir(), 'marquee-e2e-artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs body(page); on failure saves a full-page screenshot named after the test, then rethrows. */
export async function withScreenshotOnFailure(t, page, body) {
  try {
    await body();
  } catch (err) {
    const file = join(artifactsDir(), `${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}-${Date.now()}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true });
      console.error(`screenshot of the failure: ${file}`);
    } catch { /* the page may be gone */ }
    throw err;
  }
}

/** The phone the docs show each screen on as well: 390×844 CSS pixels. */
const PHONE = { width: 390, height: 844 };

/**
 * Screens for the docs: with MARQUEE_SCREENSHOTS set to a folder (make screenshots sets
 * docs/screenshots), each named step saves NAME.png at the page's size and NAME-phone.png
 * at a phone's; otherwise it does nothing.
 */
export async function docShot(page, name) {
  const dir = process.env.MARQUEE_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  // Let transitions and lazy images settle so the picture is the screen people see.
  const settle = () => page.waitForLoadState('networkidle').catch(() => undefined);
  await settle();
  await page.screenshot({ path: join(dir, `${name}.png`) });
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  await settle();
  await page.waitForTimeout(300); // layout and the media query's styles
  await page.screenshot({ path: join(dir, `${name}-phone.png`) });
  if (size) await page.setViewportSize(size);
}

/**
 * The checks each test of a file ends with: nothing broke the Content-Security-Policy
 * (pages report into violations, with watchCSP), and no screen that screen(page, name)
 * pictured had a serious or critical axe-core finding.
 */
export function screenChecks() {
  const violations = [];
  const a11y = [];
  afterEach(() => {
    assert.deepEqual(violations.splice(0), [], 'nothing breaks the Content-Security-Policy');
    assert.deepEqual(a11y.splice(0), [], 'no serious or critical accessibility violation (axe-core)');
  });
  return {
    violations,
    /** A picture for the docs, and an axe-core check. */
    async screen(page, name) {
      await docShot(page, name);
      a11y.push(...(await a11yViolations(page)));
    },
  };
}
