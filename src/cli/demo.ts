// `demo`: the embedded emulator with its sample organization, and the example matrix planned and
// applied against it — then an invite accepted, and the access that waited for it applied too.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyCommand, planCommand, type Io } from './commands.ts';
import type { Session } from './pipeline.ts';
import { DAY_MS } from '../util/days.ts';


/** The example matrix shipped beside src/ (and dist/), so `demo` runs from any directory. */
export const EXAMPLE_MATRIX = fileURLToPath(new URL('../../access-matrix.example.yaml', import.meta.url));

/** The emulator's control API (no auth): what happens in PostHog outside the tool. */
async function control(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`the emulator refused ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

export async function demoCommand(flags: { matrix?: string }, session: Session, io: Io): Promise<number> {
  const matrix = flags.matrix ?? EXAMPLE_MATRIX;
  const { startEmulator } = await import('../emulator/server.ts'); // loaded only for the demo
  const emulator = await startEmulator({ port: 0, quiet: true });
  const dir = await mkdtemp(join(tmpdir(), 'posthog-access-demo-'));
  const step = (title: string) => io.stdout.write(`\n${io.color ? `\x1b[1m${title}\x1b[0m` : title}\n${'─'.repeat(title.length)}\n`);
  try {
    // A dashboard service's personal key, made months ago with more than the matrix declares: the audit's subject.
    const bi = await control(emulator.url, '/_emulator/keys', {
      email: 'bob@example.com', label: 'bi-dashboard', scopes: ['insight:read', 'dashboard:read', 'query:read', 'person:read'],
      created_at: new Date(Date.now() - 200 * DAY_MS).toISOString(),
    });
    const demo: Session = {
      ...session,
      env: {
        ...session.env, POSTHOG_HOST: emulator.url, POSTHOG_PERSONAL_API_KEY: emulator.key, POSTHOG_ORG_ID: emulator.organization,
        POSTHOG_KEY_BI_DASHBOARD: String(bi.value),
      },
    };
    const secretsFile = join(dir, 'secrets.json');
    const base = { matrix, format: 'text' as const, journal: join(dir, 'journal.jsonl'), secretsFile };
    const saved = join(dir, 'plan.json');

    io.stdout.write(`PostHog emulator running at ${emulator.url} with a sample organization.\n`);
    step(`1. plan ${flags.matrix ?? 'access-matrix.example.yaml'} --out plan.json`);
    await planCommand({ ...base, out: saved }, demo, io);
    step('2. apply plan.json --secrets-file secrets.json (the reviewed plan; refused if PostHog moved since)');
    const applied = await applyCommand(saved, base, demo, io);
    if (applied !== 0) return applied;
    io.stdout.write(`The rolled flag-service key went only to ${secretsFile} (mode 0600), never to this output.\n`);
    step('3. erin@example.com accepts her invite; apply again');
    await control(emulator.url, '/_emulator/invites/accept', { email: 'erin@example.com' });
    const second = await applyCommand(undefined, { ...base, yes: true }, demo, io);
    if (second !== 0) return second;
    step('4. plan again: nothing left for the API; the manual steps are yours');
    return await planCommand({ ...base, detailedExitcode: true }, demo, io);
  } finally {
    await emulator.close();
  }
}
