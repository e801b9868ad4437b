// Times how long a `railyard view` page takes to open in Debian's chromium: from navigation to
// the page's data-ready mark (data parsed, indexes built, first draw done), in a fresh page each
// run. view_bench.sh copies this file beside export_npm.sh's node_modules.
// Usage: node view_bench.mjs PAGE.html RUNS   Prints each run and the median, in ms.
import { chromium } from 'playwright-core';
import path from 'node:path';

const [pagePath, runsText] = process.argv.slice(2);
const runs = Number(runsText || 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const open = [], script = [];
for (let r = 0; r < runs; r++) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const start = Date.now();
  await page.goto('file://' + path.resolve(pagePath));
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
  open.push(Date.now() - start);
  script.push(Math.round(await page.evaluate(() => window.railyard.openMs)));
  const events = await page.evaluate(() => window.railyard.events);
  console.log(`run ${r + 1}: ${open[r]} ms to ready (script ${script[r]} ms), ${events} events`);
  await page.close();
}
await browser.close();
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`median of ${runs}: ${median(open)} ms to ready, ${median(script)} ms in the page's script`);
