// Drives the dashboard in the system's headless Chromium (never a downloaded browser). Run by DashboardBrowserIT,
// which starts the service against a real broker and registry and produces the call:
//
//   DASHBOARD_URL=http://localhost:PORT/dashboard/ CALL_ID=... SCREENSHOT=... node dashboard.test.mjs
//
// Protocol on stdio: this script prints "READY" once the page is loaded and its live feed connected; the IT then
// streams the call at real-time pace and writes "PRODUCING" to stdin when the first chunk has been sent. Checks:
// the call appears within 5 s of that (its first window needs 3 s of audio), its timeline grows window by window,
// an escalation alert appears, the conversation metrics (talk, silence, over-talk, turns) are shown on the call's card
// and in the final summary, and the call's detail view shows the final summary once the call has ended.
// Exit code 0 when every check passed; the failure is printed otherwise.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const url = required('DASHBOARD_URL');
const callId = required('CALL_ID');
const screenshot = process.env.SCREENSHOT;
const detailScreenshot = process.env.DETAIL_SCREENSHOT;
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
  console.log(`ok - ${message}`);
}

const stdinLines = createInterface({ input: process.stdin });
function awaitLine(expected, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${expected}" on stdin within ${timeoutMs} ms`)), timeoutMs);
    stdinLines.on('line', (line) => {
      if (line.trim() === expected) {
        clearTimeout(timer);
        resolve(Date.now());
      }
    });
  });
}

const userDataDir = mkdtempSync(join(tmpdir(), 'emostream-chromium-'));
let context;
let exitCode = 1;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 760 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) pageErrors.push(`${r.status()} ${r.url()}`); });
  // Offline: nothing but the service itself may be asked for anything.
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(new URL(url).origin)) foreign.push(r.url()); });

  await page.goto(url);
  check((await page.title()).includes('emostream'), 'the page loads');
  await page.waitForSelector('#connection.live', { timeout: 15000 });
  check(true, 'the live feed is connected');
  const producing = awaitLine('PRODUCING', 120000);
  console.log('READY');
  const sentAt = await producing;

  const card = `#calls .card[data-call-id="${callId}"]`;
  await page.waitForSelector(card, { timeout: Math.max(1, 5000 - (Date.now() - sentAt)) });
  check(Date.now() - sentAt <= 5000, `the call appears ${Date.now() - sentAt} ms after its first chunk was sent (limit 5000)`);

  // The customer's timeline, sampled every 100 ms until the escalation alert shows.
  const counts = [];
  const alert = `#alerts .alert[data-type="ESCALATION_STARTED"][data-call-id="${callId}"]`;
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const n = await page.locator(`${card} [data-speaker="CUSTOMER"] .timeline .window`).count();
    if (counts.length === 0 || counts[counts.length - 1] !== n) counts.push(n);
    if (await page.locator(alert).count() > 0) break;
    await page.waitForTimeout(100);
  }
  console.log(`customer timeline lengths seen: ${counts.join(', ')}`);
  // The card can appear with the agent's first window before the customer has one: leading zeros are not growth.
  const grown = counts.filter((n) => n > 0);
  check(grown.slice(0, 3).join(',') === '1,2,3', 'the timeline grows window by window (1, 2, 3)');
  check(await page.locator(alert).count() === 1, 'an escalation alert appears');
  check(await page.locator(`${card} [data-escalation="true"]`).count() === 1, 'the call is marked as escalating');
  await page.waitForSelector(`${card} [data-speaker="CUSTOMER"] .current [data-label="angry"]`, { timeout: 2000 });
  check(true, "the customer's current emotion is shown (angry)");
  check(await page.locator(`#alerts .alert[data-type="AGENT_CUSTOMER_MISMATCH"][data-call-id="${callId}"]`).count() >= 1,
    'a mismatch alert appears');
  const metrics = page.locator(`${card} [data-speaker="CUSTOMER"] .conversation[data-talk-ms]`);
  const cardTalkMs = Number(await metrics.getAttribute('data-talk-ms'));
  check(cardTalkMs > 0 && /talk .* over-talk .* turns?/.test(await metrics.innerText()),
    `the card shows the customer's conversation metrics (talk ${cardTalkMs} ms: "${await metrics.innerText()}")`);
  if (screenshot) {
    await page.screenshot({ path: screenshot });
    console.log(`screenshot: ${screenshot}`);
  }

  await page.click(`${card} .card-head a`);
  await page.waitForSelector(`.detail[data-call-id="${callId}"]`, { timeout: 5000 });
  check(true, 'the detail view opens');
  await page.waitForSelector('#summary[data-final="true"]', { timeout: 60000 });
  const finals = await page.locator('#summary tr[data-final="true"]').count();
  check(finals === 2, `the final summary shows both speakers (${finals})`);
  check((await page.locator('.detail h2', { hasText: 'Final summary' }).count()) === 1, 'it is titled "Final summary"');
  check(await page.locator('.detail svg.chart path.valence').count() === 2, 'valence/arousal charts per speaker');
  // Both channels speak in the same 4-Hz syllables throughout: each has talk, and much of it is over-talk. The
  // windows cover 15 of the 15.2 s (the 0.2-s tail is shorter than a last window), so talk + silence = 15 s.
  const overTalk = [];
  for (const role of ['AGENT', 'CUSTOMER']) {
    const row = `#summary tr[data-speaker="${role}"]`;
    const attr = async (cell, name) => Number(await page.locator(`${row} td.${cell}`).getAttribute(name));
    const talk = await attr('talk', 'data-talk-ms');
    const silence = await attr('talk', 'data-silence-ms');
    const over = await attr('over-talk', 'data-over-talk-ms');
    const turns = await attr('turns', 'data-turns');
    check(talk > 0 && talk + silence === 15000 && over > 0 && over <= talk && Number.isInteger(turns),
      `the final summary shows the ${role.toLowerCase()}'s talk ${talk} ms, silence ${silence} ms, over-talk ${over} ms, ${turns} turns`);
    overTalk.push(over);
  }
  check(overTalk[0] === overTalk[1], 'both speakers have the same over-talk');
  if (detailScreenshot) {
    await page.screenshot({ path: detailScreenshot, fullPage: true });
    console.log(`screenshot: ${detailScreenshot}`);
  }
  check(pageErrors.length === 0, `no script errors (${pageErrors.join('; ')})`);
  check(foreign.length === 0, `no request left the service (${foreign.join(', ')})`);
  exitCode = 0;
} catch (e) {
  console.error(`FAILED: ${e.message}`);
} finally {
  if (context) await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
  stdinLines.close();
}
process.exit(exitCode);
