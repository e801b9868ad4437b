// Checks an export with its reader's own parser, from npm (tools/scripts/export_npm.sh installs
// them; export_test.sh copies this file beside that node_modules, so the imports resolve there).
// Usage: node export_checks.mjs FORMAT FILE SCHEMA_DIR EXPECTED
//   chrome:    the JSON Schema (ajv), then the DevTools Performance panel's parser
//              (@paulirish/trace_engine): the flows it finds must number EXPECTED (the receipts);
//   porcupine: the JSON Schema (ajv); EXPECTED operations;
//   edn:       edn-data parses every line, and Jepsen's history rules hold; EXPECTED lines;
//   mermaid:   mermaid 11 parses and renders it in Debian's chromium (playwright-core); the SVG
//              must draw EXPECTED message arrows.
// Prints one line, "ok ..." or "FAIL ..."; exit 0 or 1.
import fs from 'node:fs';
import path from 'node:path';

const [format, file, schemaDir, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const fail = (what) => { console.log(`FAIL ${format} ${file}: ${what}`); process.exit(1); };
const ok = (what) => { console.log(`ok ${format} ${file}: ${what}`); process.exit(0); };

async function schemaCheck(schemaName, doc) {
  const { default: Ajv } = await import('ajv');
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(schemaDir, schemaName), 'utf8')));
  if (!validate(doc)) fail('ajv: ' + JSON.stringify(validate.errors.slice(0, 3)));
}

if (format === 'chrome') {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  await schemaCheck('chrome.schema.json', doc);
  const Trace = await import('@paulirish/trace_engine');
  globalThis.DOMRect ??= class DOMRect {
    constructor(x = 0, y = 0, w = 0, h = 0) { Object.assign(this, { x, y, width: w, height: h }); }
    static fromRect(r = {}) { return new DOMRect(r.x, r.y, r.width, r.height); }
  };
  const model = Trace.TraceModel.Model.createWithAllHandlers();
  await model.parse(doc.traceEvents);
  const parsed = model.parsedTrace();
  const data = parsed.data ?? parsed;
  const flows = data.Flows.flows;
  if (flows.length !== expected) fail(`DevTools found ${flows.length} flows, expected ${expected}`);
  const broken = flows.filter((f) => f.length !== 2 || !(f[0].ts < f[1].ts));
  if (broken.length) fail(`${broken.length} flows are not one send before one receipt`);
  ok(`ajv passed; DevTools trace engine: ${flows.length} flows, each send -> receipt`);
} else if (format === 'porcupine') {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  await schemaCheck('porcupine.schema.json', doc);
  if (doc.length !== expected) fail(`${doc.length} operations, expected ${expected}`);
  ok(`ajv passed; ${doc.length} operations`);
} else if (format === 'edn') {
  const { parseEDNString } = await import('edn-data');
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const open = new Map(); const dead = new Set(); let lastIndex = -1; let lastTime = -1;
  for (const [i, line] of lines.entries()) {
    let op;
    try { op = parseEDNString(line, { mapAs: 'object', keywordAs: 'string', listAs: 'array' }); } catch (e) { fail(`line ${i + 1}: ${e}`); }
    if (!['invoke', 'ok', 'fail', 'info'].includes(op.type)) fail(`line ${i + 1}: :type ${op.type}`);
    if (!(op.index > lastIndex)) fail(`line ${i + 1}: :index not ascending`);
    if (!(op.time >= lastTime)) fail(`line ${i + 1}: :time decreasing`);
    lastIndex = op.index; lastTime = op.time;
    if (typeof op.process !== 'number') continue;  // :nemesis
    if (dead.has(op.process)) fail(`line ${i + 1}: process ${op.process} invokes after an :info`);
    if (op.type === 'invoke') {
      if (open.has(op.process)) fail(`line ${i + 1}: process ${op.process} invokes twice`);
      open.set(op.process, op);
    } else {
      const inv = open.get(op.process);
      if (!inv || inv.f !== op.f) fail(`line ${i + 1}: a completion without its invocation`);
      open.delete(op.process);
      if (op.type === 'info') dead.add(op.process);
    }
  }
  if (lines.length !== expected) fail(`${lines.length} lines, expected ${expected}`);
  ok(`edn-data parsed ${lines.length} lines; Jepsen's history rules hold`);
} else if (format === 'mermaid') {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setContent('<html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: path.resolve('node_modules/mermaid/dist/mermaid.min.js') });
    const src = fs.readFileSync(file, 'utf8');
    const res = await page.evaluate(async (text) => {
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      const parsed = await mermaid.parse(text, { suppressErrors: true });
      if (!parsed) return { parsed };
      const { svg } = await mermaid.render('d1', text);
      document.getElementById('out').innerHTML = svg;
      return { parsed, messages: document.querySelectorAll('#out .messageText').length };
    }, src);
    if (!res.parsed) fail('mermaid.parse refused it');
    if (res.parsed.diagramType !== 'sequence') fail(`diagram type ${res.parsed.diagramType}`);
    if (res.messages !== expected) fail(`rendered ${res.messages} messages, expected ${expected}`);
    if (errors.length) fail(`page errors: ${errors.join('; ')}`);
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    ok(`mermaid.parse: sequence; rendered ${res.messages} messages in chromium`);
  } finally {
    await browser.close();
  }
} else {
  fail('unknown format');
}
