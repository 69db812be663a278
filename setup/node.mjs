// The Node.js this checkout runs on. Plain JavaScript that any Node from 18 on can run, because it is
// what runs before Node 24 is there: npm's `postinstall` calls `node setup/node.mjs install`.
//
// How it works, in npm's own terms: npm puts `node_modules/.bin` first on PATH for every `npm run`,
// `npm start`, `npm test` and `npx`. When the Node that runs npm is older than the project needs, the
// install step fetches the official binary from the npm registry (the package `node-<platform>-<arch>`,
// pinned in package.json's `config.node`) into a cache outside the checkout, and links it as
// `node_modules/.bin/node`. On a machine whose Node is new enough it does nothing: no second Node.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The exact Node release fetched when the machine's is too old, e.g. "24.22.3". */
export const PINNED = pkg.config.node;
/** The oldest major this project runs on, from package.json's engines (">=24"). */
export const REQUIRED_MAJOR = Number(/(\d+)/.exec(pkg.engines.node)?.[1]);

const major = (version) => Number(version.replace(/^v/, '').split('.')[0]);
const platformPackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const cacheRoot =
  process.env.PASPOR_NODE_CACHE ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'paspor-lab');
const cached = join(cacheRoot, `node-${PINNED}-${process.platform}-${process.arch}`);
const cachedBinary = join(
  cached,
  'node_modules',
  platformPackage,
  'bin',
  process.platform === 'win32' ? 'node.exe' : 'node',
);
const link = join(root, 'node_modules', '.bin', 'node');

/** The one line a user reads when this Node cannot run the project (exit 2). */
export function tooOldLine(version = process.version) {
  return `paspor-lab needs Node.js ${REQUIRED_MAJOR} or newer, and this is ${version}: run \`npm ci\` (it fetches Node ${PINNED} from the npm registry for npm's scripts) or install Node ${REQUIRED_MAJOR} (https://nodejs.org, or \`nvm install ${REQUIRED_MAJOR}\`), then try again`;
}

/** Exits 2 with one line when the running Node is older than the project needs. */
export function requireNode() {
  if (major(process.version) >= REQUIRED_MAJOR) return;
  process.stderr.write(`${tooOldLine()}\n`);
  process.exit(2);
}

function fetchPinned() {
  if (existsSync(cachedBinary)) return;
  mkdirSync(cached, { recursive: true });
  // npm_execpath is the npm that is running this install; fall back to npm on PATH.
  const npm = process.env.npm_execpath;
  const args = [
    'install',
    '--prefix',
    cached,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `${platformPackage}@${PINNED}`,
  ];
  if (npm) execFileSync(process.execPath, [npm, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  else
    execFileSync('npm', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      shell: process.platform === 'win32',
    });
}

function install() {
  if (major(process.version) >= REQUIRED_MAJOR) return;
  try {
    fetchPinned();
    const version = execFileSync(cachedBinary, ['--version'], { encoding: 'utf8' }).trim();
    if (major(version) < REQUIRED_MAJOR) throw new Error(`the cached binary is ${version}`);
    rmSync(link, { force: true });
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(cachedBinary, link);
    process.stdout.write(
      `paspor-lab: this machine's Node is ${process.version}; npm scripts use Node ${version} from ${cachedBinary}\n`,
    );
  } catch (error) {
    // npm ci itself still succeeds; `npm start` and `npm test` then stop with the one line.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(
      `paspor-lab: could not fetch ${platformPackage}@${PINNED} (${reason}); ${tooOldLine()}\n`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const verb = process.argv[2];
  if (verb === 'install') install();
  else if (verb === 'require') requireNode();
  else {
    process.stderr.write('usage: node setup/node.mjs install | require\n');
    process.exit(2);
  }
}
