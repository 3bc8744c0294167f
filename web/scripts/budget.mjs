// Prints the gzipped size of the JavaScript the first page loads (the
// scripts and module preloads of dist/index.html) and of every lazy chunk,
// and fails when the first page is over the budget (350 KB gzipped).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 350 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const first = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
if (first.size === 0) {
  console.error('budget: dist/index.html loads no script from /assets/: run npm run build first');
  process.exit(1);
}
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let total = 0;
for (const f of first) {
  const n = gz(f);
  total += n;
  console.log(`first page  ${kb(n).padStart(9)}  ${f}`);
}
for (const f of readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js') && !first.has(`assets/${f}`)).sort()) {
  console.log(`lazy        ${kb(gz(`assets/${f}`)).padStart(9)}  assets/${f}`);
}
console.log(`first-page JavaScript: ${kb(total)} gzipped (budget ${kb(BUDGET)})`);
if (total > BUDGET) {
  console.error(`budget: over by ${kb(total - BUDGET)}: move code behind React.lazy`);
  process.exit(1);
}
