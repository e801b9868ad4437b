// Opens a `railyard view` page in Debian's chromium (playwright-core, from export_npm.sh) and
// checks it against the trace it was made from: every expected number is read from the trace here,
// so a page that draws the wrong thing fails. view_test.sh copies this file beside node_modules.
// Usage: node view_checks.mjs PAGE.html TRACE.jsonl SCREENSHOT.png
// Prints the failures, then "N passed, M failed"; exit 0 or 1.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [pagePath, tracePath, shot] = process.argv.slice(2);
const lines = fs.readFileSync(tracePath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const header = lines[0];
const footer = lines[lines.length - 1];
const events = lines.slice(1, -1);
let passed = 0, failed = 0;
const check = (name, got, want) => {
  if (JSON.stringify(got) === JSON.stringify(want)) { passed++; return; }
  failed++;
  console.log(`FAIL ${path.basename(pagePath)}: ${name}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
};

// What the trace says the page must draw.
const nodes = header.config.nodes;
const clients = new Set(events.filter((e) => e.ev === 'invoke').map((e) => e.client));
const sends = new Map(events.filter((e) => e.ev === 'send').map((e) => [e.id, e]));
const receipts = events.filter((e) => e.ev === 'recv');
const drops = events.filter((e) => e.ev === 'drop');
const invokes = events.filter((e) => e.ev === 'invoke').length;
const touches = (e, n) => e.node === n || sends.get(e.id).node === n;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
// A self-contained page asks for nothing but itself.
page.on('request', (r) => { if (!r.url().startsWith('file://')) errors.push('network request: ' + r.url()); });
await page.goto('file://' + path.resolve(pagePath));
try {
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30000 });
} catch (e) {
  console.log(`FAIL ${path.basename(pagePath)}: never ready: ${errors.join('; ') || e.message}`);
  process.exit(1);
}
const data = async (name) => page.evaluate((n) => document.body.dataset[n], name);
const drawnMessages = async () => Number(await data('messages'));

const initialStep = Number(await data('step'));
if (footer.violation) check('the slider starts at the violation', initialStep, footer.violation.step);
check('nodes', Number(await data('nodes')), nodes);
check('lanes (nodes and clients)', Number(await data('lanes')), nodes + clients.size);
check('lane labels drawn', await page.evaluate(() => window.railyard.lanes), nodes + clients.size);
check('messages drawn (receipts)', await drawnMessages(), receipts.length);
check('drops drawn', Number(await data('drops')), drops.length);
check('operations drawn', Number(await data('ops')), invokes);

// The slider: the state panel shows each node's last status at or before the step.
const statuses = events.filter((e) => e.ev === 'status');
const fieldsOf = (e) => {
  const f = {};
  for (const [k, v] of Object.entries(e)) if (!['step', 't', 'ev', 'node'].includes(k)) f[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return f;
};
const expectedState = (n, s) => {
  let last = null;
  for (const e of statuses) if (e.node === n && e.step <= s) last = e;
  return last ? fieldsOf(last) : {};
};
const setStep = async (s) => {
  await page.$eval('#slider', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }, s);
  return page.evaluate(() => window.railyard.state);
};
// Two steps: node 0's first status, and the first later status that changes a node's state.
const s1 = statuses.find((e) => e.node === 0).step;
const changing = statuses.find((e) => e.step > s1 &&
  JSON.stringify(fieldsOf(e)) !== JSON.stringify(expectedState(e.node, e.step - 1)));
const s2 = changing ? changing.step : statuses[statuses.length - 1].step;
const panel1 = await setStep(s1);
check(`state of n0 at step ${s1}`, panel1[0].fields, expectedState(0, s1));
const text1 = await page.locator('#state').innerText();
const panel2 = await setStep(s2);
check(`state of n0 at step ${s2}`, panel2[0].fields, expectedState(0, s2));
for (let n = 1; n < nodes; n++) check(`state of n${n} at step ${s2}`, panel2[n].fields, expectedState(n, s2));
const text2 = await page.locator('#state').innerText();
check('the state panel changes with the slider', text1 !== text2, true);
check('the slider position', Number(await data('step')), s2);

// Filters: by node, by message kind, by time range; each count read from the trace.
const setFilter = async (id, value) => {
  await page.$eval(id, (el, v) => { el.value = v; el.dispatchEvent(new Event('change')); }, value);
  return drawnMessages();
};
check('filter nodes=1', await setFilter('#f-nodes', '1'), receipts.filter((e) => touches(e, 1)).length);
await setFilter('#f-nodes', '');
const kinds = [...new Set(receipts.map((e) => e.msg))];
const kind = kinds[kinds.length - 1];
const kindIndex = await page.evaluate((k) => [...document.querySelectorAll('#f-msg option')].find((o) => o.textContent === k).value, kind);
const byKind = await setFilter('#f-msg', kindIndex);
check(`filter message ${kind}`, byKind, receipts.filter((e) => e.msg === kind).length);
check(`filter message ${kind} narrows`, byKind < receipts.length || kinds.length === 1, true);
await setFilter('#f-msg', '');
const endMs = footer.sim_ns / 1e6;
const from = Math.round(endMs * 0.25), to = Math.round(endMs * 0.5);
await page.$eval('#f-from', (el, v) => { el.value = v; }, String(from));
const byTime = await setFilter('#f-to', String(to));
check(`filter ${from}..${to} ms`, byTime,
  receipts.filter((e) => e.t >= from * 1e6 && sends.get(e.id).t <= to * 1e6).length);
await page.click('#reset');
check('reset shows every message', await drawnMessages(), receipts.length);

// Search: the events whose text holds the query.
await page.fill('#search', 'status');
await page.waitForFunction(() => window.railyard.searchHits !== undefined);
check('search "status"', await page.evaluate(() => window.railyard.searchHits),
  events.filter((e) => JSON.stringify(e).toLowerCase().includes('status')).length);
await page.fill('#search', '');

// A failing run: the violation, at its step, with the events that led to it.
if (footer.violation) {
  const v = footer.violation;
  const title = page.locator('#violation h2');
  check('violation title', (await title.count()) ? await title.innerText() : '(no violation panel)',
    `Violation of ${v.property} at step ${v.step}`);
  const trail = await page.locator('#violation .ev').count();
  check('events that led to the violation', trail > 0 && trail <= 40, true);
}

await page.evaluate(() => window.scrollTo(0, 0));
await page.screenshot({ path: shot, fullPage: true });
check('page errors', errors, []);
await browser.close();
console.log(`${path.basename(pagePath)}: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
