// The package as users get it: `npm pack`, installed with npm into a folder of its own, and run
// from another folder with only what the package ships. Installed offline from npm's cache with a
// lockfile made from this repository's (no network; `npm ci` has put every tarball in the cache).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
let dir: string;
let pkg: string; // the installed package
let elsewhere: string; // a working directory with nothing of the project in it
let files: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-pack-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--silent', '--pack-destination', dir], { cwd: repo, encoding: 'utf8' })) as [{ filename: string; files: { path: string }[] }];
  files = packed.files.map((f) => f.path);
  // A lockfile naming the tarball and this repository's runtime dependencies (not the dev ones).
  const lock = JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
  const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'));
  const tarball = `file:../${packed.filename}`;
  const packages: Record<string, unknown> = {
    '': { dependencies: { 'posthog-access': tarball } },
    'node_modules/posthog-access': { version: manifest.version, resolved: tarball, dependencies: manifest.dependencies, bin: manifest.bin, engines: manifest.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path && !entry.dev && !entry.link) packages[path] = entry;
  const install = join(dir, 'install');
  await mkdir(install);
  await writeFile(join(install, 'package.json'), JSON.stringify({ name: 'install', private: true, dependencies: { 'posthog-access': tarball } }));
  await writeFile(join(install, 'package-lock.json'), JSON.stringify({ name: 'install', lockfileVersion: 3, requires: true, packages }));
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--silent'], { cwd: install, stdio: 'pipe' });
  pkg = join(install, 'node_modules', 'posthog-access');
  elsewhere = join(dir, 'elsewhere');
  await mkdir(elsewhere);
}, 120_000);

afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

/** The installed command, run from a folder that is not the project, TypeScript stripping off. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--no-experimental-strip-types', join(dir, 'install', 'node_modules', '.bin', 'posthog-access'), ...args], {
      cwd: elsewhere, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('the packed package', () => {
  it('ships the compiled CLI, docs, schemas and the example; not the sources or tests', () => {
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('bin/posthog-access.js');
    expect(files).toContain('access-matrix.example.yaml');
    expect(files).toContain('schemas/access-matrix.schema.json');
    // The licence package.json declares (MIT), and those of the code bundled into dist/cli.
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/cli/THIRD-PARTY-LICENSES.txt');
    for (const doc of ['README.md', 'docs/cli.md', 'docs/matrix.md', 'docs/ci.md', 'docs/plan-json.md']) expect(files).toContain(doc);
    expect(files.filter((f) => /^(src|test|bench)\//.test(f) || f.endsWith('.ts'))).toEqual([]);
  });

  it("README's relative links resolve inside the installed package", () => {
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#:]+)(#[^)]*)?\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(3);
    expect(links.filter((l) => !existsSync(join(pkg, l)))).toEqual([]);
  });

  it("the docs' relative links resolve inside the installed package too (the example workflows ship)", () => {
    const docs = files.filter((f) => /^docs\/.*\.md$/.test(f));
    const broken = docs.flatMap((doc) => [...readFileSync(join(pkg, doc), 'utf8').matchAll(/\]\(([^)#:]+)(#[^)]*)?\)/g)]
      .map((m) => m[1]!).filter((l) => !existsSync(join(pkg, dirname(doc), l))).map((l) => `${doc} -> ${l}`));
    expect(broken).toEqual([]);
    expect(files).toContain('examples/access-plan.yml');
  });

  // Each of these starts Node processes; on a loaded machine that takes a while (no timing asserted).
  const SLOW = 90_000;

  it('--help works from any directory', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: posthog-access');
  }, SLOW);

  it('demo finds its own example matrix and runs plan and apply', async () => {
    const r = await cli(['demo']);
    expect(r.stderr).not.toMatch(/error|\n\s+at /i); // (a slow machine may show a progress line)
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4. plan again');
    expect(r.stdout).toContain('Data Warehouse');
  }, SLOW);

  it('validate, plan, apply and drift against the installed emulator', async () => {
    await copyFile(join(pkg, 'access-matrix.example.yaml'), join(elsewhere, 'access-matrix.yaml'));
    expect((await cli(['validate'])).code).toBe(0);
    const emulator: ChildProcess = spawn(process.execPath, [join(pkg, 'bin', 'posthog-access.js'), 'emulator', '--port', '0', '--quiet'], { cwd: elsewhere, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const first = await new Promise<string>((resolve) => createInterface({ input: emulator.stdout! }).once('line', resolve));
      const { url, key, organization } = JSON.parse(first) as { url: string; key: string; organization: string };
      const env = { POSTHOG_HOST: url, POSTHOG_PERSONAL_API_KEY: key, POSTHOG_ORG_ID: organization };
      const plan = await cli(['plan', '--out', 'plan.json'], env);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('Data Warehouse');
      const apply = await cli(['apply', 'plan.json', '--secrets-file', 'secrets.json'], env);
      expect(apply.code).toBe(0);
      expect(existsSync(join(elsewhere, 'secrets.json'))).toBe(true);
      const drift = await cli(['drift', '--format', 'json'], env);
      expect([0, 2]).toContain(drift.code);
      expect(JSON.parse(drift.stdout).organizations[0].organization.id).toBe(organization);
    } finally {
      emulator.kill();
    }
  }, SLOW);

  // This machine's system Node is older than the engines range (CI installs 22 beside it).
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((n) => {
    try { return Number(execFileSync(n, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })) < 22; } catch { return false; }
  });
  it.skipIf(!oldNode)('on a Node older than the engines range: one line naming the version needed, exit 1', async () => {
    try {
      await run(oldNode!, [join(pkg, 'bin', 'posthog-access.js'), '--help'], { cwd: elsewhere });
      expect.unreachable('an old Node must exit 1');
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      expect(err.code).toBe(1);
      expect(err.stdout).toBe('');
      expect(err.stderr).toMatch(/^posthog-access needs Node\.js 22\.20 or newer; this is Node\.js \d+\.\d+\.\d+\.\n$/);
    }
  }, SLOW);
});
