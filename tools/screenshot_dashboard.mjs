// Takes docs/dashboard.png: the supervisor dashboard during a real `./emostream demo` run, in the system's headless
// Chromium (/usr/bin/chromium) driven by playwright-core from service/src/test/browser (never a downloaded browser).
//
//   (cd service/src/test/browser && npm ci)               # once: playwright-core, as for DashboardBrowserIT
//   ./emostream demo --exit &                              # the three demo conversations; it prints the dashboard URL
//   node tools/screenshot_dashboard.mjs [--url http://localhost:8080/dashboard/] [--view detail|overview]
//        [--call escalating-customer] [--windows 16] [--out docs/dashboard.png] [--width 1280] [--height 900]
//        [--timeout 300]
//
// Waits (up to --timeout seconds) for the page to load and its live feed to connect, opens --view (detail: the
// call's own page, both speakers' whole timelines, valence/arousal charts, talk/silence/over-talk/turns and the
// running statistics; overview: every call's card and the alerts), waits until both speakers of --call show at
// least --windows windows with their conversation metrics, and takes the screenshot of the viewport. Exit code 0
// once it is written.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const home = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(home, 'service', 'src', 'test', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const options = { url: 'http://localhost:8080/dashboard/', view: 'detail', call: 'escalating-customer', windows: '16',
  out: join(home, 'docs', 'dashboard.png'), width: '1280', height: '900', timeout: '300' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in options) || argv[i + 1] === undefined) {
    console.error(`usage: node tools/screenshot_dashboard.mjs ${Object.keys(options).map((k) => `[--${k} V]`).join(' ')}`);
    process.exit(2);
  }
  options[key] = argv[i + 1];
}
const deadline = Date.now() + Number(options.timeout) * 1000;
const left = () => Math.max(1, deadline - Date.now());

const userDataDir = mkdtempSync(join(tmpdir(), 'emostream-screenshot-'));
let context;
let exitCode = 1;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: Number(options.width), height: Number(options.height) },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  for (;;) { // the demo prints the URL before its calls start, but the page may not answer yet
    try {
      await page.goto(options.url, { timeout: left() });
      break;
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  await page.waitForSelector('#connection.live', { timeout: left() });
  let speakers = `#calls .card[data-call-id="${options.call}"] .speaker`;
  if (options.view === 'detail') {
    await page.goto(`${options.url}#/call/${encodeURIComponent(options.call)}`);
    speakers = `.detail[data-call-id="${options.call}"] .detail-speaker`;
  } else if (options.view !== 'overview') {
    throw new Error(`--view is overview or detail, not ${options.view}`);
  }
  console.log(`connected; waiting for ${options.windows} windows per speaker of ${options.call}`);
  await page.waitForFunction(({ speakers, windows }) => {
    const rows = [...document.querySelectorAll(speakers)];
    return rows.length === 2 && rows.every((s) => s.querySelectorAll('.timeline .window').length >= windows
      && Number(s.querySelector('.conversation')?.dataset.talkMs) > 0);
  }, { speakers, windows: Number(options.windows) }, { timeout: left(), polling: 250 });
  await page.screenshot({ path: options.out });
  console.log(`screenshot: ${options.out} (${statSync(options.out).size} bytes)`);
  exitCode = 0;
} catch (e) {
  console.error(`FAILED: ${e.message}`);
} finally {
  if (context) await context.close();
  rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}
process.exit(exitCode);
