// Output a machine can read and a person can trust: one JSON document from apply and validate,
// GitHub annotations, --out that never overwrites the matrix, English counts, drift named as
// such, a refusal said once, temporary grants with their end, impossible dates refused, YAML's
// reserved characters explained, and a host that is not PostHog named as the likely cause.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, control, emulator, type Emulator } from './harness.ts';

let emu: Emulator;
let dir: string;
let initial: unknown;
beforeAll(async () => {
  emu = await emulator();
  dir = await mkdtemp(join(tmpdir(), 'posthog-access-output-'));
  initial = (await control(emu, 'GET', '/_emulator/state')).json;
});
afterAll(async () => { await emu.close(); });
beforeEach(async () => { expect((await control(emu, 'PUT', '/_emulator/state', initial)).status).toBeLessThan(300); }); // the sample organization again

const file = async (name: string, text: string) => { const f = join(dir, name); await writeFile(f, text); return f; };
const MATRIX = 'version: 1\norganization:\n  id: ${POSTHOG_ORG_ID}\nmembers:\n  alice@example.com: owner\n  carol@example.com: { level: admin, expires: 2099-12-31, then: member }\n';

describe('apply --format json', () => {
  it('prints one JSON document: the plan and what became of each change', async () => {
    const matrix = await file('m.yaml', MATRIX);
    const run = await cli(emu, ['apply', '--yes', '--format', 'json', '-m', matrix, '--journal', join(dir, 'j.jsonl')]);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.plan.organizations[0].changes.map((c: { id: string }) => c.id)).toEqual(['member:carol@example.com']);
    expect(doc.apply).toMatchObject({ status: 'applied', ok: 1, failed: 0, skipped: 0 });
    expect(doc.apply.results).toEqual([expect.objectContaining({ id: 'member:carol@example.com', status: 'ok' })]);
  });

  it('a saved plan too; nothing to do is a document as well', async () => {
    const matrix = await file('m.yaml', MATRIX);
    const saved = join(dir, 'saved.json');
    expect((await cli(emu, ['plan', '-m', matrix, '--out', saved])).code).toBe(0);
    const applied = await cli(emu, ['apply', saved, '--format', 'json', '--journal', join(dir, 'j.jsonl')]);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).apply.status).toBe('applied');
    const again = await cli(emu, ['apply', '--yes', '--format', 'json', '-m', matrix, '--journal', join(dir, 'j.jsonl')]);
    expect(JSON.parse(again.stdout).apply).toMatchObject({ status: 'nothing_to_do', results: [] });
  });

  it('a refused saved plan: the document says refused, the reason is on stderr once', async () => {
    const matrix = await file('m.yaml', MATRIX);
    const saved = join(dir, 'stale.json');
    expect((await cli(emu, ['plan', '-m', matrix, '--out', saved])).code).toBe(0);
    expect((await cli(emu, ['apply', '--yes', '-m', matrix, '--journal', join(dir, 'j.jsonl')])).code).toBe(0); // PostHog moves
    const run = await cli(emu, ['apply', saved, '--format', 'json', '--journal', join(dir, 'j.jsonl')]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).apply).toMatchObject({ status: 'refused', results: [] });
    expect(run.stderr.match(/the saved plan is stale/g)).toHaveLength(1);
  });
});

describe('validate --format', () => {
  const bad = 'version: 1\nmembers:\n  a@example.com: admni\n';
  it('json: one document with every problem located', async () => {
    const run = await cli(null, ['validate', '-m', await file('bad.yaml', bad), '--format', 'json']);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.problems).toEqual([expect.objectContaining({ file: join(dir, 'bad.yaml'), line: 3, col: expect.any(Number), message: expect.stringContaining('admni') })]);
  });

  it('github: workflow annotations at file, line and column', async () => {
    const run = await cli(null, ['validate', '-m', await file('bad.yaml', bad), '--format', 'github']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^::error file=${join(dir, 'bad.yaml').replace(/[/.]/g, '\\$&')},line=3,col=\\d+::members\\."a@example\\.com": "admni"`));
  });

  it('warns when default_team and prune.teams would give and then take away the team', async () => {
    const matrix = await file('dt.yaml', 'version: 1\norganization:\n  default_team: Product\nmembers:\n  a@example.com: admin\n  b@example.com: member\nteams:\n  Product:\n    members: [b@example.com]\nprune:\n  teams: true\n');
    const json = JSON.parse((await cli(null, ['validate', '-m', matrix, '--format', 'json'])).stdout);
    expect(json.valid).toBe(true);
    expect(json.warnings).toEqual([expect.objectContaining({ line: 3, col: 3, message: expect.stringContaining('of the 1 person it does not list (a@example.com), whoever is not in the organization yet would get Product\'s access when they join and then lose it (`plan` names them; people already in it are not concerned)') })]);
    const github = await cli(null, ['validate', '-m', matrix, '--format', 'github']);
    expect(github.code).toBe(0);
    expect(github.stdout).toMatch(/^::warning file=.*,line=3,col=3::default_team: Product/);
    // Said once the intent is written down: everyone listed, or prune.teams off.
    const listed = await file('dt2.yaml', 'version: 1\norganization:\n  default_team: Product\nmembers:\n  a@example.com: admin\nteams:\n  Product:\n    members: [a@example.com]\nprune:\n  teams: true\n');
    expect(JSON.parse((await cli(null, ['validate', '-m', listed, '--format', 'json'])).stdout).warnings).toEqual([]);
  });

  it('several matrices (repeated, or a directory): each checked, every problem at once, one organization once', async () => {
    const good = await file('org-a.yaml', 'version: 1\norganization:\n  id: 0190aaaa-0000-7000-8000-00000000000a\nmembers:\n  a@example.com: admin\n');
    const other = await file('org-b.yaml', 'version: 1\norganization:\n  id: 0190bbbb-0000-7000-8000-00000000000b\n  host: https://eu.posthog.com\nmembers:\n  b@example.com: member\n');
    const both = await cli(null, ['validate', '-m', good, '-m', other]);
    expect(both.code).toBe(0);
    expect(both.stdout).toBe(`${good} is valid: 1 member, 0 teams, 0 projects.\n${other} is valid: 1 member, 0 teams, 0 projects.\n`);

    const broken = await file('org-c.yaml', bad);
    const json = await cli(null, ['validate', '-m', good, '-m', broken, '--format', 'json']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.matrices.map((m: { file: string; valid: boolean }) => [m.file, m.valid])).toEqual([[good, true], [broken, false]]);
    expect(doc.matrices[1].problems).toEqual([expect.objectContaining({ file: broken, line: 3, message: expect.stringContaining('admni') })]);

    // A second matrix for org-a on the same host (written another way) is refused as plan would refuse it.
    const twin = await file('org-a-again.yaml', 'version: 1\norganization:\n  id: 0190aaaa-0000-7000-8000-00000000000a\n  host: https://us.posthog.com/\nmembers:\n  c@example.com: member\n');
    const sub = join(dir, 'orgs');
    await mkdir(sub, { recursive: true });
    for (const f of [good, other, twin]) await writeFile(join(sub, f.split('/').pop()!), await readFile(f, 'utf8'));
    const text = await cli(null, ['validate', '-m', sub]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`${join(sub, 'org-a-again.yaml')} and ${join(sub, 'org-a.yaml')} both name organization 0190aaaa-0000-7000-8000-00000000000a on https://us.posthog.com`);
    const github = await cli(null, ['validate', '-m', sub, '--format', 'github']);
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::error file=[^,]*org-a\.yaml,.*both name organization 0190aaaa-0000-7000-8000-00000000000a/m);
  });

  it('text counts read as English', async () => {
    const run = await cli(null, ['validate', '-m', await file('one.yaml', 'version: 1\nmembers:\n  a@example.com: admin\n')]);
    expect(run.stdout).toContain('is valid: 1 member, 0 teams, 0 projects.');
  });
});

describe('--out', () => {
  it('never overwrites the matrix, a YAML file, or a file that is not a saved plan', async () => {
    const matrix = await file('keep.yaml', MATRIX);
    const other = await file('notes.json', '{"mine": true}\n');
    for (const [out, why] of [[matrix, 'a YAML file'], [join(dir, 'other.yml'), 'a YAML file'], [other, 'not a saved posthog-access plan']] as const) {
      const run = await cli(emu, ['plan', '-m', matrix, '--out', out]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(why);
      expect(run.stderr).toContain('nothing was written');
    }
    expect(await readFile(matrix, 'utf8')).toBe(MATRIX);
    expect(await readFile(other, 'utf8')).toBe('{"mine": true}\n');
    // An earlier saved plan is replaced.
    const saved = join(dir, 'again.json');
    expect((await cli(emu, ['plan', '-m', matrix, '--out', saved])).code).toBe(0);
    expect((await cli(emu, ['plan', '-m', matrix, '--out', saved])).code).toBe(0);
    // Written beside it and renamed over it: the plan whole, nothing left next to it.
    expect(JSON.parse(await readFile(saved, 'utf8')).formatVersion).toBe(2);
    expect((await readdir(dir)).filter((f) => f.startsWith('again.json'))).toEqual(['again.json']);
  });

  it('the hint for a file that is not a plan does not suggest overwriting it', async () => {
    const matrix = await file('access-matrix.yaml', MATRIX);
    const run = await cli(emu, ['apply', matrix]);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain(`--out ${matrix}`);
    expect(run.stderr).toContain('plan --out plan.json');
  });
});

describe('what plan and drift say', () => {
  it('drift says drift in its header, text and Markdown', async () => {
    const matrix = await file('m.yaml', MATRIX);
    expect((await cli(emu, ['drift', '-m', matrix])).stdout).toMatch(/^posthog-access drift · /);
    expect((await cli(emu, ['drift', '-m', matrix, '--format', 'markdown'])).stdout).toMatch(/^### posthog-access drift for /);
    expect((await cli(emu, ['plan', '-m', matrix])).stdout).toMatch(/^posthog-access plan · /);
  });

  it('drift ends with "Drift: …", plan with "Plan: …", text and Markdown', async () => {
    const matrix = await file('m.yaml', MATRIX);
    const last = (out: string) => out.trimEnd().split('\n').at(-1);
    expect(last((await cli(emu, ['drift', '-m', matrix])).stdout)).toMatch(/^Drift: \d+ to create, \d+ to update, \d+ to delete\.$/);
    expect((await cli(emu, ['drift', '-m', matrix, '--format', 'markdown'])).stdout).toMatch(/\n\*\*Drift: \d+ to create, \d+ to update, \d+ to delete\.\*\*/);
    expect((await cli(emu, ['drift', '-m', matrix, '--format', 'markdown'])).stdout).not.toContain('Plan: ');
    expect(last((await cli(emu, ['plan', '-m', matrix])).stdout)).toMatch(/^Plan: \d+ to create, \d+ to update, \d+ to delete\.$/);
    expect((await cli(emu, ['plan', '-m', matrix, '--format', 'markdown'])).stdout).toMatch(/\n\*\*Plan: \d+ to create/);
  });

  it('counts read as English: 3 projects, 2 teams not in the matrix', async () => {
    const run = await cli(emu, ['plan', '-m', await file('m.yaml', MATRIX)]);
    expect(run.stdout).toContain('3 projects not in the matrix');
    expect(run.stdout).toContain('2 invites not in the matrix');
    expect(run.stdout).not.toMatch(/\b(?:[02-9]|\d{2,}) (?:project|team|invite|member) not/);
  });

  it('a temporary grant shows its end date and what follows, in text, Markdown and JSON', async () => {
    const matrix = await file('m.yaml', MATRIX);
    for (const format of ['text', 'markdown', 'json']) {
      const run = await cli(emu, ['plan', '-m', matrix, '--format', format]);
      expect(run.stdout).toContain('until 2099-12-31, then member');
    }
  });

  it('a refused plan is said once on stderr, plainly, not as a JSON log line', async () => {
    const matrix = await file('r.yaml', 'version: 1\nmembers:\n  alice@example.com: owner\nprune:\n  members: true\nsafety:\n  max_deletes: 1\n');
    const run = await cli(emu, ['plan', '-m', matrix, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(run.stderr.match(/the plan is refused/g)).toHaveLength(1);
    expect(run.stderr).not.toContain('{"level"');
  });
});

describe('bad input, explained', () => {
  it('--at rejects a day the calendar does not have', async () => {
    const run = await cli(emu, ['plan', '-m', await file('m.yaml', MATRIX), '--at', '2026-02-30']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--at 2026-02-30: 2026-02-30 is not a day of the calendar');
  });

  it('an unquoted @ or backtick says to quote the value', async () => {
    const run = await cli(null, ['validate', '-m', await file('q.yaml', 'version: 1\norganization:\n  id: @current\nmembers:\n  a@example.com: `admin`\n')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(':3:7: YAML syntax error: a value cannot start with @ unless quoted: put the value in quotes, e.g. id: "@current"');
    expect(run.stderr).toContain(':5:18: YAML syntax error: a value cannot start with a backtick (`) unless quoted: put the value in quotes');
  });

  it('a host that answers HTML: is POSTHOG_HOST a PostHog instance?', async () => {
    for (const status of [200, 404]) {
      const server = createServer((_req, res) => { res.writeHead(status, { 'content-type': 'text/html' }); res.end('<html><body>Our website</body></html>'); });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const run = await cli(null, ['plan', '-m', await file('plain.yaml', 'version: 1\nmembers:\n  a@example.com: admin\n')], {
          POSTHOG_HOST: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, POSTHOG_PERSONAL_API_KEY: 'phx_not_a_real_key_0000000000000000',
        });
        expect(run.code).toBe(1);
        expect(run.stderr).toContain('is POSTHOG_HOST a PostHog instance?');
      } finally {
        server.close();
      }
    }
  });
});
