// Rebuilds the UI into a temporary directory and fails when it differs
// from the committed dist/ (the build Go embeds): CI runs it so the
// committed build is always the build of the committed sources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'fastsim-dist-'));
const files = (dir) =>
  readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(dir, f))
    .sort();
try {
  execFileSync('npx', ['vite', 'build', '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'], { cwd: web, stdio: 'inherit' });
  const a = files(join(web, 'dist'));
  const b = files(tmp);
  const diff = [...a.filter((f) => !b.includes(f)).map((f) => `only committed: ${f}`), ...b.filter((f) => !a.includes(f)).map((f) => `only rebuilt:   ${f}`)];
  for (const f of a.filter((f) => b.includes(f))) {
    if (!readFileSync(join(web, 'dist', f)).equals(readFileSync(join(tmp, f)))) diff.push(`differs:        ${f}`);
  }
  if (diff.length) {
    console.error('web/dist is not the build of the sources: run npm run build in web/ and commit dist/.\n' + diff.join('\n'));
    process.exitCode = 1;
  } else {
    console.log(`web/dist matches a fresh build (${a.length} files).`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
