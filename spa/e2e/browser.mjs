// Launches Debian's Chromium through playwright-core (no downloaded browsers).
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
