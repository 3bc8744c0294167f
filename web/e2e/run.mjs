// End-to-end test of the web UI in a real browser: builds fastsim, starts
// `fastsim serve` on SQLite in a temporary directory, creates an admin with
// a password, and drives Debian's chromium (playwright-core, no browser
// download) through the UI. Runs axe-core on every page, fails on any
// Content-Security-Policy violation, writes screenshots of the main pages
// to docs/images/ and prints the UI's figures (first page load, time to an
// interactive result page of a 1-hour run sampled every 10 ms).
//
//   npm run e2e    # CHROMIUM=/path/to/chromium to override; FASTSIM_E2E_SCREENSHOTS=dir for the screenshots
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { EMAIL, PASSWORD, assert, fastsim, repo, web } from './fastsim.mjs';

const images = process.env.FASTSIM_E2E_SCREENSHOTS || join(repo, 'docs', 'images');
const axeSource = readFileSync(join(web, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const T = 60_000;

const step = (s) => console.log(`e2e: ${s}`);
const harness = fastsim(step);
let browser;
let page;
const failures = [];

async function main() {
  harness.build();
  const data = harness.dataDir('data', { admin: true });
  const base = await harness.startServer(data);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(T);
  page = await context.newPage();
  const cspViolations = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  page.on('dialog', (d) => void d.accept());

  const axe = async (name) => {
    const r = await page.evaluate(`${axeSource};\naxe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })))`);
    if (r.length) failures.push(`axe on ${name}: ${JSON.stringify(r, null, 1)}`);
    step(`axe on ${name}: ${r.length} violation(s)`);
  };
  const shot = (name, fullPage = false) => page.screenshot({ path: join(images, `ui-${name}.png`), fullPage });

  // 1. First page: the sign-in form.
  const t0 = Date.now();
  await page.goto(base + '/');
  await page.getByRole('heading', { name: 'Sign in to FastSim' }).waitFor();
  const firstLoad = Date.now() - t0;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) };
  });
  await axe('sign in');
  await shot('sign-in');

  // A wrong password is refused with the server's problem.
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill('wrong password 123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();

  // 2. Sign in.
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Scenarios' }).waitFor();
  const session = (await context.cookies()).find((c) => c.name === 'fastsim_session');
  if (session) {
    // A server with cookie sessions: HttpOnly, and a reload keeps the session.
    assert(session.httpOnly && session.sameSite === 'Strict', `fastsim_session is HttpOnly and SameSite=Strict: ${JSON.stringify(session)}`);
    assert(!(await page.evaluate(() => document.cookie)).includes('fastsim_session'), 'the session cookie is not readable by scripts');
    await page.reload();
    await page.getByRole('heading', { name: 'Scenarios' }).waitFor();
    step('signed in (cookie session, kept across a reload)');
  } else {
    step('signed in (no cookie session on this server: token kept in memory)');
  }

  // 3. Create a scenario from an example.
  await page.getByLabel('From the example').selectOption('single_server');
  await page.getByLabel('Name', { exact: true }).fill('checkout');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name: 'checkout' }).waitFor();
  const validity = page.getByTestId('validity');
  await validity.filter({ hasText: /^Valid/ }).waitFor();
  await page.locator('.topo-node').first().waitFor();
  const nodes = await page.locator('.topo-id').allTextContents();
  assert(['rqs-1', 'client-1', 'srv-1'].every((n) => nodes.includes(n)), `topology shows rqs-1, client-1, srv-1: ${nodes}`);
  step(`scenario created; topology nodes ${nodes.join(', ')}`);

  // Hovering a node highlights its lines in the editor.
  const highlighted = () => page.evaluate(() => [...document.querySelector('.editor').shadowRoot.querySelectorAll('.cm-topo-hover')].map((e) => e.textContent).join('\n'));
  let lit = '';
  for (let i = 0; i < 5 && !lit.includes('srv-1'); i++) {
    await page.locator('.topo-node', { hasText: 'srv-1' }).hover();
    await page.waitForTimeout(300);
    lit = await highlighted();
  }
  assert(lit.includes('id: srv-1') && lit.includes('cpu_cores'), `the hovered server's lines are highlighted in the editor: ${lit}`);
  await page.mouse.move(0, 0);
  // The same from the keyboard: focus the edge client-to-server.
  await page.locator('[data-testid="rf__edge-client-to-server"]').focus();
  await page.waitForFunction(() => [...document.querySelector('.editor').shadowRoot.querySelectorAll('.cm-topo-hover')].some((e) => e.textContent.includes('id: client-to-server')));
  await page.locator('[data-testid="rf__edge-client-to-server"]').blur();
  await axe('scenario');
  await shot('scenario');

  // 4. A typo shows its error at its line; fixing it clears it.
  const editor = page.locator('.cm-content');
  const replace = async (from, to) => {
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+f');
    const search = page.getByRole('textbox', { name: 'Find' });
    await search.fill('');
    await search.pressSequentially(from); // the panel reads its query on key events
    await search.press('Enter');
    await page.keyboard.press('Escape');
    await page.keyboard.type(to);
  };
  await replace('cpu_cores', 'cpu_cors');
  const marker = page.getByRole('list', { name: 'Validation problems' }).getByRole('button', { name: /cpu_cors/ });
  await marker.waitFor();
  const markerLabel = await marker.textContent();
  const text = await editor.evaluate((el) => [...el.querySelectorAll('.cm-line')].map((l) => l.textContent));
  const typoLine = text.findIndex((l) => l.includes('cpu_cors')) + 1;
  assert(markerLabel.includes(`(line ${typoLine})`), `the error "${markerLabel}" is at line ${typoLine}`);
  assert((await page.locator('.cm-lint-marker-error').count()) === 1, 'one error marker in the gutter');
  await validity.filter({ hasText: /^\d+ error\(s\)/ }).waitFor();
  step(`typo marked: ${markerLabel}`);
  await shot('scenario-error');
  await replace('cpu_cors', 'cpu_cores');
  await validity.filter({ hasText: /^Valid/ }).waitFor();
  assert((await page.locator('.cm-lint-marker-error').count()) === 0, 'no error marker after the fix');

  // 5. Run with 4 replications; progress reaches 100 %.
  const run = async (reps) => {
    await page.getByLabel('Replications').fill(String(reps));
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await page.getByTestId('run-status').waitFor();
    return page.url();
  };
  const run1 = await run(4);
  await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor();
  await page.getByTestId('progress-text').filter({ hasText: '100 %' }).waitFor({ state: 'attached' });
  const p99 = (await page.locator('.fig', { hasText: 'p99' }).locator('dd').textContent()).trim();
  assert(/ms ± [\d.]+ ms$/.test(p99), `p99 has its interval: ${p99}`);
  assert((await page.getByText('Merged from 4 replications').count()) === 1, 'merged from 4 replications');
  await page.locator('[data-testid=charts] canvas').first().waitFor();
  for (const title of ['Latency histogram', 'Latency CDF', 'Latency over time', 'Throughput', 'Ready queue per server', 'In transit per edge']) {
    assert((await page.locator('.chart', { hasText: title }).locator('canvas').count()) === 1, `the chart "${title}" is drawn`);
  }
  step(`run 1 (1 core, 4 replications): p99 ${p99}`);
  await axe('run result');
  await shot('run', true);

  // The HTML report opens.
  const [report] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: 'HTML report' }).click()]);
  await report.waitForLoadState();
  const reportText = await report.locator('body').textContent({ timeout: T });
  assert(/Merged from 4 replications/.test(reportText), 'the report says it is merged from 4 replications');
  await report.close();
  step('report opened');

  // 6. One more core: a new version, a second run.
  await page.getByRole('link', { name: /^[0-9a-f]{8}$/ }).first().click(); // the scenario link of the run
  await page.getByRole('heading', { name: 'checkout' }).waitFor();
  await validity.filter({ hasText: /^Valid/ }).waitFor();
  await replace('cpu_cores: 1', 'cpu_cores: 2');
  await validity.filter({ hasText: 'unsaved changes' }).waitFor();
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await page.getByText('version 2 of 2').waitFor();
  await run(4);
  await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor();
  const p99b = (await page.locator('.fig', { hasText: 'p99' }).locator('dd').textContent()).trim();
  step(`run 2 (2 cores, 4 replications): p99 ${p99b} (run 1: ${p99})`);

  // The diff of versions 1 and 2.
  await page.getByRole('link', { name: /^[0-9a-f]{8}$/ }).first().click();
  await page.getByRole('heading', { name: 'checkout' }).waitFor();
  await page.getByLabel('Compare').selectOption('1');
  await page.getByLabel('with').selectOption('2');
  await page.getByRole('link', { name: 'Show the diff' }).click();
  await page.getByRole('heading', { name: 'Version 1 → version 2' }).waitFor();
  await page.locator('.cm-changedLine').first().waitFor();
  await axe('diff');
  await shot('diff');

  // Compare two runs of a busy service (1 core at 75 % CPU) that differ by one core. Runs 1 and 2 above are
  // not CPU-bound (5 % of a core), so their results are identical seed by seed; these two are made for it.
  await page.getByRole('link', { name: 'Scenarios', exact: true }).click();
  await page.getByLabel('From the example').selectOption('single_server');
  await page.getByLabel('Name', { exact: true }).fill('busy');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name: 'busy' }).waitFor();
  await validity.filter({ hasText: /^Valid/ }).waitFor();
  await replace('cpu_time: 0.001', 'cpu_time: 0.015');
  await validity.filter({ hasText: 'unsaved changes' }).waitFor();
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await page.getByText('version 2 of 2').waitFor();
  const busy1 = await run(4);
  await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor();
  await page.getByRole('link', { name: /^[0-9a-f]{8}$/ }).first().click();
  await page.getByRole('heading', { name: 'busy' }).waitFor();
  await validity.filter({ hasText: /^Valid/ }).waitFor();
  await replace('cpu_cores: 1', 'cpu_cores: 2');
  await validity.filter({ hasText: 'unsaved changes' }).waitFor();
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await page.getByText('version 3 of 3').waitFor();
  const busy2 = await run(4);
  await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor();
  await page.getByRole('link', { name: 'Runs', exact: true }).click();
  await page.locator(`a[href="${new URL(busy1).pathname}"]`).click();
  await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor();
  await page.getByRole('link', { name: 'Compare with…' }).click();
  await page.getByRole('heading', { name: 'Compare runs' }).waitFor();
  await page.getByLabel('Run B').selectOption(new URL(busy2).pathname.split('/').pop());
  await page.getByTestId('compare-method').waitFor();
  const method = await page.getByTestId('compare-method').textContent();
  assert(method.startsWith('paired'), `the comparison is paired: ${method}`);
  const change = await page.getByTestId('changes').locator('tbody tr').allTextContents();
  assert(change.length === 1 && /servers\[id=srv-1\]\.server_resources\.cpu_cores\s*12$/.test(change[0]), `the one change is cpu_cores 1 → 2: ${change}`);
  const p99Row = page.getByTestId('figure-diffs').locator('tr', { has: page.getByRole('rowheader', { name: 'p99', exact: true }) });
  const p99Cells = await p99Row.locator('td').allTextContents();
  const [, , p99Diff, , p99Unpaired] = p99Cells;
  assert(/ms ± [\d.]+ ms$/.test(p99Diff), `p99's difference has its interval: ${p99Diff}`);
  const half = (t) => Number(/± ([\d.,]+)/.exec(t)[1].replace(/,/g, ''));
  assert(half(p99Unpaired) > half(p99Diff), `the paired interval of p99 (${p99Diff}) is narrower than the unpaired one (${p99Unpaired})`);
  // Common random numbers pay off most where both runs see the same arrivals: the server's utilisation.
  const utilCells = await page.getByTestId('figure-diffs').locator('tr', { has: page.getByRole('rowheader', { name: 'Utilisation srv-1' }) }).locator('td').allTextContents();
  const wider = Number(/\(([\d.]+)× wider\)/.exec(utilCells[4])?.[1]);
  assert(wider >= 1.5, `the unpaired interval of the utilisation is at least 1.5× the paired one: ${utilCells.join(' | ')}`);
  step(`compare busy 1 core → 2 cores: p99 ${p99Diff}, unpaired ${p99Unpaired}; utilisation ${utilCells[2]}, unpaired ${utilCells[4]}`);
  await axe('compare');
  await shot('compare', true);
  const [cmpReport] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: 'HTML report' }).click()]);
  await cmpReport.waitForLoadState();
  assert(/cpu_cores/.test(await cmpReport.locator('body').textContent({ timeout: T })), 'the comparison report names the change');
  await cmpReport.close();

  // A sweep study of two parameters (cores × users, 2 replications each), followed to 100 %.
  await page.getByRole('link', { name: 'Studies', exact: true }).click();
  await page.getByRole('heading', { name: 'Studies', exact: true }).waitFor();
  await axe('studies');
  await page.getByLabel('Base scenario').selectOption({ label: 'busy (v3)' });
  await page.getByLabel('Replications per candidate').fill('2');
  await page.getByLabel('Parameter 1 (path)').fill('topology_graph.nodes.servers[id=srv-1].server_resources.cpu_cores');
  await page.getByLabel('Values 1').fill('1,2');
  await page.getByLabel('Parameter 2 (path, optional)').fill('rqs_input.avg_active_users.mean');
  await page.getByLabel('Values 2').fill('40..120/3');
  await page.getByLabel('Latency at most (ms)').fill('200');
  await page.getByLabel('Max error rate (%)').fill('1');
  // A bad path is refused with the server's problem naming it.
  await page.getByLabel('Parameter 1 (path)').fill('topology_graph.nodes.servers[id=nope].server_resources.cpu_cores');
  await page.getByRole('button', { name: 'Start study' }).click();
  await page.getByRole('alert').filter({ hasText: 'servers[id=nope]' }).waitFor();
  await shot('study-new');
  await page.getByLabel('Parameter 1 (path)').fill('topology_graph.nodes.servers[id=srv-1].server_resources.cpu_cores');
  await page.getByRole('button', { name: 'Start study' }).click();
  await page.waitForURL(/\/studies\/[0-9a-f-]{36}$/);
  const studyURL = page.url();
  const studySeen = [];
  for (let i = 0; i < 3000; i++) {
    const p = await page.getByTestId('study-progress-text').textContent();
    if (studySeen.at(-1) !== p) studySeen.push(p);
    if ((await page.getByTestId('study-status').textContent()) === 'succeeded') break;
    await page.waitForTimeout(100);
  }
  await page.getByTestId('study-status').filter({ hasText: 'succeeded' }).waitFor({ timeout: 300_000 });
  assert((await page.getByTestId('study-progress-text').textContent()) === '100 %', 'the study ends at 100 %');
  assert((await page.getByText('Candidate runs: 12 of 12').count()) === 1, 'the study ran 2 × 3 candidates × 2 replications');
  await page.getByTestId('study-curve').locator('canvas').waitFor();
  const heatRows = await page.getByTestId('study-heatmap').locator('tbody tr').count();
  assert(heatRows === 3, `the heat map has a row per user count: ${heatRows}`);
  const cand = await page.getByTestId('study-candidates').locator('tbody tr').allTextContents();
  assert(cand.length === 6 && cand.every((r) => /ms ± [\d.]+ ms/.test(r)), `6 candidates with their intervals: ${cand.join(' | ')}`);
  step(`sweep study: progress seen ${studySeen.join(' → ')}; candidates ${cand.length}`);
  await axe('study result');
  await shot('study', true);
  // The study is listed, then deleted.
  await page.getByRole('link', { name: 'Studies', exact: true }).click();
  const studyId = new URL(studyURL).pathname.split('/').pop();
  await page.locator(`a[href="/studies/${studyId}"]`).waitFor();
  await shot('studies');
  await page.locator(`a[href="/studies/${studyId}"]`).click();
  await page.getByRole('button', { name: 'Delete study' }).click();
  await page.getByRole('heading', { name: 'Studies', exact: true }).waitFor();
  assert((await page.locator(`a[href="/studies/${studyId}"]`).count()) === 0, 'the deleted study is gone from the list');
  step('study listed and deleted');

  // A sizing study: the fewest cores of srv-1 meeting p99 ≤ 200 ms, with its evidence.
  await page.getByLabel('Base scenario').selectOption({ label: 'busy (v3)' });
  await page.getByRole('radio', { name: 'sizing' }).check();
  await page.getByLabel('Replications per candidate').fill('2');
  await page.getByRole('combobox', { name: /^Server/ }).selectOption('srv-1');
  await page.getByLabel('Largest candidate').fill('4');
  await page.getByLabel('Latency at most (ms)').fill('200');
  await page.getByRole('button', { name: 'Start study' }).click();
  await page.waitForURL(/\/studies\/[0-9a-f-]{36}$/);
  await page.getByTestId('study-status').filter({ hasText: 'succeeded' }).waitFor({ timeout: 300_000 });
  const answer = await page.getByTestId('study-answer').textContent();
  assert(answer.includes('2 cores of srv-1 meet the SLA.'), `the sizing answer is 2 cores: ${answer}`);
  assert(/cpu_cores of srv-1 = 2: p99 \(the SLA's\) [\d.]+ ms ± [\d.]+ ms .*passes/.test(answer) && /cpu_cores of srv-1 = 1: p99 \(the SLA's\) .*fails/.test(answer), `the evidence: 2 cores pass, 1 fails: ${answer}`);
  step(`sizing study: ${answer}`);
  await axe('sizing study');
  await shot('study-sizing', true);
  await page.getByRole('link', { name: 'Scenarios', exact: true }).click();
  await page.getByRole('link', { name: 'checkout', exact: true }).click();

  // 7. A 1-hour run sampled every 10 ms: time to an interactive result page.
  await page.getByRole('heading', { name: 'checkout' }).waitFor();
  await validity.filter({ hasText: /^Valid/ }).waitFor();
  await replace('total_simulation_time: 300', 'total_simulation_time: 3600');
  await replace('sample_period_s: 0.05', 'sample_period_s: 0.01');
  await validity.filter({ hasText: 'unsaved changes' }).waitFor();
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await page.getByText('version 3 of 3').waitFor();
  const longRun = await run(1);
  // Watch the live progress until the run ends.
  const seen = [];
  for (let i = 0; i < 6000; i++) {
    const p = await page.getByTestId('progress-text').textContent().catch(() => null);
    if (p && seen.at(-1) !== p) seen.push(p);
    if ((await page.getByTestId('run-status').textContent()) === 'succeeded') break;
    await page.waitForTimeout(50);
  }
  await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor({ timeout: 300_000 });
  const final = await page.getByTestId('progress-text').textContent();
  if (seen.at(-1) !== final) seen.push(final);
  assert(final === '100 %', `the progress ends at 100 %: ${final}`);
  step(`1-hour run: progress seen ${seen.join(' → ')}`);
  await page.getByRole('link', { name: 'Runs', exact: true }).click();
  await page.getByRole('heading', { name: 'Runs' }).waitFor();
  await axe('runs');
  await shot('runs');
  const t1 = Date.now();
  await page.locator(`a[href="${new URL(longRun).pathname}"]`).click();
  await page.locator('[data-testid=charts] figure', { hasText: 'RAM in use per server' }).locator('canvas').waitFor();
  const toResult = Date.now() - t1;
  const samples = await page.locator('.chart', { hasText: 'RAM in use' }).locator('figcaption').textContent();
  step(`1-hour run, 10 ms samples: ${samples}`);
  await shot('run-long', true);

  // 8. Cancel a long run.
  await page.getByRole('link', { name: /^[0-9a-f]{8}$/ }).first().click();
  await validity.filter({ hasText: /^Valid/ }).waitFor();
  await replace('total_simulation_time: 3600', 'total_simulation_time: 86400');
  await replace('sample_period_s: 0.01', 'sample_period_s: 0.1');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await page.getByText('version 4 of 4').waitFor();
  await run(2);
  // Live progress over SSE: wait until it moves, then cancel.
  const moving = [];
  for (let i = 0; i < 1200 && moving.length < 3; i++) {
    const p = await page.getByTestId('progress-text').textContent();
    if (p !== '0 %' && moving.at(-1) !== p) moving.push(p);
    await page.waitForTimeout(50);
  }
  assert(moving.length > 0, 'the progress of the long run moves before it is cancelled');
  step(`long run: progress seen ${moving.join(' → ')}, cancelling`);
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await page.getByTestId('run-status').filter({ hasText: 'cancelled' }).waitFor();
  step('long run cancelled');

  // Cancel a study of day-long candidate runs while it runs.
  await page.getByRole('link', { name: 'Studies', exact: true }).click();
  await page.getByLabel('Base scenario').selectOption({ label: 'checkout (v4)' });
  await page.getByLabel('Replications per candidate').fill('1');
  await page.getByLabel('Parameter 1 (path)').fill('topology_graph.nodes.servers[id=srv-1].server_resources.cpu_cores');
  await page.getByLabel('Values 1').fill('1,2');
  await page.getByRole('button', { name: 'Start study' }).click();
  await page.waitForURL(/\/studies\/[0-9a-f-]{36}$/);
  await page.getByTestId('study-status').filter({ hasText: 'running' }).waitFor();
  await page.getByRole('button', { name: 'Cancel study' }).click();
  await page.getByTestId('study-status').filter({ hasText: 'cancelled' }).waitFor();
  assert((await page.getByText('Candidate runs: 0 of 2').count()) === 1, 'the cancelled study finished none of its 2 day-long runs');
  step('study of day-long runs cancelled');

  // 9. Account: create a key (shown once), use it, revoke it.
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await page.getByLabel('New key name').fill('laptop');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-key').textContent()).trim();
  assert(key.startsWith('fsk_'), `a new key is shown: ${key.slice(0, 8)}…`);
  const withKey = () => fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
  assert((await withKey()).status === 200, 'the new key works');
  await axe('account');
  await shot('account');
  await page.getByRole('button', { name: 'Revoke laptop' }).click();
  await page.getByRole('button', { name: 'Revoke laptop' }).waitFor({ state: 'detached' });
  assert((await withKey()).status === 401, 'the revoked key is refused');
  step('key created and revoked');

  // 10. Tablet width: the scenario list still fits, no violation.
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.getByRole('link', { name: 'Scenarios' }).click();
  await page.getByRole('link', { name: 'checkout', exact: true }).waitFor();
  await axe('scenarios (tablet)');
  await shot('scenarios-tablet');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert(overflow <= 0, `no horizontal scrolling at 820 px (overflow ${overflow}px)`);
  await page.setViewportSize({ width: 1366, height: 900 });
  await shot('scenarios');

  // Event windows: a scenario with outages and a network spike.
  await page.getByLabel('From the example').selectOption('outage_and_spike');
  await page.getByLabel('Name', { exact: true }).fill('outages');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { name: 'outages' }).waitFor();
  await validity.filter({ hasText: /^Valid/ }).waitFor();
  assert((await page.locator('.topo-event').count()) >= 2, 'the outages are drawn on their servers');
  await run(1);
  await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor();
  await page.getByText('Shaded: srv1-outage (100–160 s)').waitFor();
  await page.locator('.chart', { hasText: 'Latency over time' }).locator('canvas').waitFor();
  await shot('run-events', true);
  step('event windows shaded');
  // Delete that scenario.
  await page.getByRole('link', { name: /^[0-9a-f]{8}$/ }).first().click();
  await page.getByRole('heading', { name: 'outages' }).waitFor();
  await page.getByRole('button', { name: 'Delete scenario' }).click();
  await page.getByRole('heading', { name: 'Scenarios' }).waitFor();
  await page.getByRole('link', { name: 'checkout', exact: true }).waitFor();
  assert((await page.getByRole('link', { name: 'outages', exact: true }).count()) === 0, 'the deleted scenario is gone from the list');

  // 11. Sign out.
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await page.getByRole('heading', { name: 'Sign in to FastSim' }).waitFor();

  // 12. Single-user mode: a fresh data directory, opened from this machine, needs no sign-in.
  const solo = harness.dataDir('solo');
  const soloBase = await harness.startServer(solo);
  if ((await fetch(`${soloBase}/api/v1/ui-config`)).ok) {
    const p2 = await context.newPage();
    await p2.goto(soloBase + '/');
    await p2.getByRole('heading', { name: 'Scenarios' }).waitFor();
    assert((await p2.getByText('admin@localhost').count()) === 1, 'signed in as admin@localhost without a password');
    step('single-user mode: signed in without a password');
    await p2.close();
  } else {
    step('single-user mode: this server has no ui-config yet, skipped');
  }

  if (cspViolations.length) failures.push(`Content-Security-Policy violations:\n${cspViolations.join('\n')}`);
  console.log(`e2e: first page load ${firstLoad} ms (DOMContentLoaded ${nav.dcl} ms, load ${nav.load} ms)`);
  console.log(`e2e: time to an interactive result page (1-hour run, 10 ms samples): ${toResult} ms`);
  void run1;
}

try {
  await main();
} catch (e) {
  failures.push(e.stack ?? String(e));
  const shot = join(tmpdir(), 'fastsim-e2e-failure.png');
  if (page) await page.screenshot({ path: shot, fullPage: true }).then(() => failures.push(`screenshot of the failure: ${shot}`), () => {});
} finally {
  await browser?.close().catch(() => {});
  harness.stop();
}
if (failures.length) {
  console.error(`e2e: FAILED\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log('e2e: passed');
