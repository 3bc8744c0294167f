// End-to-end test of the web UI in Firefox: the same real `fastsim serve` on
// SQLite as run.mjs (shared start-up in fastsim.mjs), driven in Debian's
// firefox-esr over WebDriver BiDi with puppeteer-core (no browser download).
// It signs in (HttpOnly session cookie kept across a reload), lists the
// scenarios, creates one from an example (its topology drawn), sees the
// validation error of a typo at its line, runs it, waits for the result page
// with its uPlot charts drawn, opens the account page, signs out, and signs
// in without a password on a single-user server. It fails on any console error, uncaught page
// error or Content-Security-Policy violation (and checks that an injected
// inline script is caught), and writes docs/images/ui-firefox-result.png.
//
//   npm run e2e:firefox    # FIREFOX=/path/to/firefox to override; FASTSIM_E2E_SCREENSHOTS=dir for the screenshot
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { EMAIL, PASSWORD, assert, fastsim, repo } from './fastsim.mjs';

const images = process.env.FASTSIM_E2E_SCREENSHOTS || join(repo, 'docs', 'images');
const T = 30_000;
const CHARTS = ['Latency histogram', 'Latency CDF', 'Latency over time', 'Throughput', 'Ready queue per server', 'In transit per edge'];

const step = (s) => console.log(`e2e-firefox: ${s}`);
const harness = fastsim(step);
const failures = [];
const consoleErrors = [];
const pageErrors = [];
let browser;
let page;

// Reports every Content-Security-Policy violation of a document on the
// console, where the console listener below collects it: the event is the
// browser's own verdict, whatever the wording of its console message.
const cspProbe = () => {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(`CSP violation: ${e.violatedDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile || e.documentURI}:${e.lineNumber})`);
  });
};

/** Collects page's console errors and page errors, accepts its dialogs and installs the CSP probe in each of its documents. */
async function watch(p) {
  p.setDefaultTimeout(T);
  p.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  p.on('pageerror', (e) => pageErrors.push(e.message));
  p.on('dialog', (d) => void d.accept());
  await p.evaluateOnNewDocument(cspProbe);
}

/** Waits until the document has an element matching selector (light DOM) whose text matches re. */
const waitText = (selector, re) =>
  page.waitForFunction((sel, src) => [...document.querySelectorAll(sel)].some((el) => new RegExp(src).test(el.textContent)), { timeout: T }, selector, re.source);

/** Waits for the h1 or h2 whose text is name. */
const waitHeading = (name) => waitText('h1, h2', new RegExp(`^${name}$`));

/** The text of the editor's lines (CodeMirror lives in the shadow root of .editor). */
const editorLines = () => page.evaluate(() => [...document.querySelector('.editor').shadowRoot.querySelectorAll('.cm-line')].map((l) => l.textContent));

/** Replaces the first occurrence of from in the editor by to, with CodeMirror's search panel, as a user would. */
async function replace(from, to) {
  await page.locator('.editor >>> .cm-content').click();
  await page.keyboard.down('Control');
  await page.keyboard.press('Home');
  await page.keyboard.press('f');
  await page.keyboard.up('Control');
  const search = await page.locator('.editor >>> input[name=search]').waitHandle();
  await search.click({ count: 3 });
  await page.keyboard.press('Backspace');
  await search.type(from);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await page.keyboard.type(to);
}

async function main() {
  harness.build();
  const base = await harness.startServer(harness.dataDir('data', { admin: true }));
  const executablePath = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
  browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true, defaultViewport: { width: 1366, height: 900 } });
  step(`browser ${await browser.version()} (${executablePath}, WebDriver BiDi)`);
  page = await browser.newPage();
  await watch(page);

  // 1. Sign in with the password.
  const t0 = Date.now();
  await page.goto(base + '/');
  await waitHeading('Sign in to FastSim');
  const firstLoad = Date.now() - t0;
  await page.locator('input[type=email]').fill(EMAIL);
  await page.locator('input[type=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();

  // 2. The scenarios list; the session is an HttpOnly, SameSite=Strict
  // cookie that scripts cannot read and that a reload keeps.
  await waitHeading('Scenarios');
  const session = (await browser.cookies()).find((c) => c.name === 'fastsim_session');
  assert(session?.httpOnly && session.sameSite === 'Strict', `fastsim_session is HttpOnly and SameSite=Strict: ${JSON.stringify(session)}`);
  assert(!(await page.evaluate(() => document.cookie)).includes('fastsim_session'), 'the session cookie is not readable by scripts');
  await page.reload();
  await waitHeading('Scenarios');
  step(`signed in (cookie session, kept across a reload); scenarios list shown (first page ${firstLoad} ms)`);

  // 3. Create a scenario from an example.
  const form = 'form[aria-labelledby=new-h]';
  await page.waitForFunction((f) => [...document.querySelectorAll(`${f} option`)].some((o) => o.value === 'single_server'), { timeout: T }, form);
  await page.select(`${form} select`, 'single_server');
  await page.locator(`${form} input`).fill('checkout');
  await page.locator(`${form} button[type=submit]`).click();
  await waitHeading('checkout');
  await waitText('[data-testid=validity]', /^Valid/);
  await page.locator('.editor >>> .cm-content').wait();
  assert((await editorLines()).some((l) => l.includes('cpu_cores')), 'the editor shows the scenario');
  // The topology (React Flow, laid out by dagre) is drawn beside it.
  await page.waitForFunction(() => document.querySelectorAll('.topo-node .topo-id').length >= 3, { timeout: T });
  const nodes = await page.$$eval('.topo-node .topo-id', (ids) => ids.map((e) => e.textContent));
  assert(['rqs-1', 'client-1', 'srv-1'].every((n) => nodes.includes(n)), `the topology shows rqs-1, client-1, srv-1: ${nodes}`);
  step(`scenario "checkout" created from single_server; topology nodes ${nodes.join(', ')}`);

  // 4. A typo: its error is listed with its line, and the gutter marks that line.
  await replace('cpu_cores', 'cpu_cors');
  await waitText('ul[aria-label="Validation problems"] button', /cpu_cors/);
  const markerLabel = await page.$eval('ul[aria-label="Validation problems"] button', (b) => b.textContent);
  const typoLine = (await editorLines()).findIndex((l) => l.includes('cpu_cors')) + 1;
  assert(typoLine > 0 && markerLabel.includes(`(line ${typoLine})`), `the error "${markerLabel}" is at line ${typoLine}`);
  await waitText('[data-testid=validity]', /^\d+ error\(s\)/);
  const gutter = await page.evaluate(() => document.querySelector('.editor').shadowRoot.querySelectorAll('.cm-lint-marker-error').length);
  assert(gutter === 1, `one error marker in the gutter (${gutter})`);
  step(`typo marked: ${markerLabel}`);
  await replace('cpu_cors', 'cpu_cores');
  await waitText('[data-testid=validity]', /^Valid/);

  // 5. Run it (2 replications) and reach the result with its charts drawn.
  const runForm = 'form[aria-labelledby=run-h]';
  await page.locator(`${runForm} input[max]`).fill('2');
  await page.locator(`${runForm} button[type=submit]`).click();
  await page.waitForFunction(() => /\/runs\/[0-9a-f-]{36}$/.test(location.pathname), { timeout: T });
  await waitText('[data-testid=run-status]', /^succeeded$/);
  await waitText('.fig', /p99/);
  const p99 = await page.$$eval('.fig', (figs) => figs.find((f) => f.textContent.includes('p99')).querySelector('dd').textContent.trim());
  assert(/ms ± [\d.]+ ms$/.test(p99), `p99 has its interval: ${p99}`);
  await page.waitForFunction(
    (titles) => titles.every((t) => [...document.querySelectorAll('[data-testid=charts] .chart')].some((c) => c.querySelector('figcaption')?.textContent.includes(t) && c.querySelector('canvas'))),
    { timeout: T },
    CHARTS,
  );
  const drawn = await page.$$eval('[data-testid=charts] .chart canvas', (cs) => cs.filter((c) => c.width > 0 && c.height > 0).length);
  assert(drawn >= CHARTS.length, `at least ${CHARTS.length} uPlot canvases with a size (${drawn})`);
  const plotted = await page.$$eval('[data-testid=charts] .chart canvas', (cs) =>
    cs.filter((c) => {
      // A drawn chart has pixels that are not transparent.
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
      return false;
    }).length,
  );
  assert(plotted === drawn, `every chart canvas has pixels drawn (${plotted} of ${drawn})`);
  step(`run succeeded: p99 ${p99}; ${drawn} uPlot canvases drawn`);
  mkdirSync(images, { recursive: true });
  await page.screenshot({ path: join(images, 'ui-firefox-result.png'), fullPage: true });

  // 6. The account page.
  await page.locator('nav a[href="/account"]').click();
  await waitHeading('Account');
  await waitHeading('API keys');
  step('account page shown');

  // The watch works: an inline script is refused and reported twice, by
  // the probe on the console and by Firefox itself as a page error.
  const [c0, p0] = [consoleErrors.length, pageErrors.length];
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.head.append(s);
  });
  for (let i = 0; i < 50 && (consoleErrors.length === c0 || pageErrors.length === p0); i++) await new Promise((r) => setTimeout(r, 100));
  const probe = consoleErrors.splice(c0);
  const native = pageErrors.splice(p0);
  assert(probe.length === 1 && /^CSP violation: script-src/.test(probe[0]), `the CSP probe reports the inline script on the console: ${JSON.stringify(probe)}`);
  assert(native.length === 1 && /^Content-Security-Policy: .*script-src/.test(native[0]), `Firefox reports the inline script as a page error: ${JSON.stringify(native)}`);
  assert(!(await page.evaluate(() => window.__inline)), 'the inline script did not run');
  step('CSP watch: an injected inline script is refused and reported (probe and page error)');

  // 7. Sign out.
  await page.locator('header button.link').click();
  await waitHeading('Sign in to FastSim');
  assert(!(await browser.cookies()).some((c) => c.name === 'fastsim_session'), 'signing out clears the session cookie');
  step('signed out');

  // 8. Single-user mode: a fresh data directory, opened from this machine in a
  // new browser context, signs in as the local admin without a password
  // (the local session checks the Origin that Firefox sends).
  const soloBase = await harness.startServer(harness.dataDir('solo'));
  const solo = await browser.createBrowserContext();
  page = await solo.newPage();
  await watch(page);
  await page.goto(soloBase + '/');
  await waitHeading('Scenarios');
  await waitText('header .who', /^admin@localhost$/);
  step('single-user mode: signed in as admin@localhost without a password');

  console.log(`e2e-firefox: first page load ${firstLoad} ms`);
}

try {
  await main();
} catch (e) {
  failures.push(e.stack ?? String(e));
  const shot = join(tmpdir(), 'fastsim-e2e-firefox-failure.png');
  if (page) await page.screenshot({ path: shot, fullPage: true }).then(() => failures.push(`screenshot of the failure: ${shot}`), () => {});
} finally {
  await browser?.close().catch(() => {});
  harness.stop();
}
if (consoleErrors.length) failures.push(`console errors (CSP violations included):\n${consoleErrors.join('\n')}`);
if (pageErrors.length) failures.push(`page errors (Firefox reports CSP refusals here too):\n${pageErrors.join('\n')}`);
if (failures.length) {
  console.error(`e2e-firefox: FAILED\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log('e2e-firefox: passed');
