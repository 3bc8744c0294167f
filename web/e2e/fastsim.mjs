// Start-up shared by the end-to-end suites (run.mjs in Chromium, firefox.mjs
// in Firefox): builds fastsim into a temporary directory, creates a data
// directory with an admin who signs in with a password, and starts
// `fastsim serve` on SQLite on free loopback ports.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The web/ directory. */
export const web = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root. */
export const repo = join(web, '..');
/** The admin that the suites sign in as. */
export const EMAIL = 'e2e@example.com';
export const PASSWORD = 'correct horse battery staple 42';

/** Throws when ok is false. */
export function assert(ok, msg) {
  if (!ok) throw new Error(`assertion failed: ${msg}`);
}

/** A free TCP port on 127.0.0.1. */
export const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });

/**
 * A temporary directory for one suite's binary and data directories, and the
 * servers it started. log prints one progress line. Call stop() at the end
 * (also after a failure): it ends the servers and removes the directory.
 */
export function fastsim(log) {
  const tmp = mkdtempSync(join(tmpdir(), 'fastsim-e2e-'));
  const bin = join(tmp, 'fastsim');
  const servers = [];
  return {
    tmp,
    bin,
    /** Builds ./cmd/fastsim into the temporary directory. */
    build() {
      log('building fastsim');
      execFileSync('go', ['build', '-o', bin, './cmd/fastsim'], { cwd: repo, stdio: 'inherit' });
    },
    /** Makes the data directory name; with an admin, EMAIL with PASSWORD on the enterprise plan. */
    dataDir(name, { admin = false } = {}) {
      const data = join(tmp, name);
      mkdirSync(data);
      if (admin) {
        execFileSync(bin, ['users', 'create', '--email', EMAIL, '--admin', '--plan', 'enterprise', '--password-stdin', '--data-dir', data], {
          input: PASSWORD + '\n',
          stdio: ['pipe', 'ignore', 'inherit'],
        });
      }
      return data;
    },
    /** Starts fastsim serve on data (SQLite) and a free port, without rate limits; resolves to its base URL once ready. */
    async startServer(data) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      log(`starting fastsim serve on ${base}`);
      const server = spawn(
        bin,
        ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', data, '--workers', '2', '--rate-limit-ip', 'off', '--rate-limit-user', 'off', '--rate-limit-key', 'off', '--rate-limit-auth-ip', 'off', '--rate-limit-auth-email', 'off'],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FASTSIM_LOG_LEVEL: 'warn' } },
      );
      servers.push(server);
      let serverLog = '';
      server.stderr.on('data', (d) => (serverLog += d));
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`${base}/ready`)).ok) return base;
        } catch {
          // not up yet
        }
        if (i > 150) throw new Error(`fastsim serve did not become ready:\n${serverLog}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    /** Ends the servers and removes the temporary directory. */
    stop() {
      for (const s of servers) s.kill('SIGTERM');
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
