// `demo`: the embedded emulator with its sample organization, and the example matrix planned and
// applied against it — then an invite accepted, and the access that waited for it applied too.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCommand, planCommand, type Io } from './commands.ts';
import type { Session } from './pipeline.ts';

export async function demoCommand(flags: { matrix: string }, session: Session, io: Io): Promise<number> {
  const { startEmulator } = await import('../emulator/server.ts'); // loaded only for the demo
  const emulator = await startEmulator({ port: 0, quiet: true });
  const demo: Session = { ...session, env: { ...session.env, POSTHOG_HOST: emulator.url, POSTHOG_PERSONAL_API_KEY: emulator.key, POSTHOG_ORG_ID: emulator.organization } };
  const step = (title: string) => io.stdout.write(`\n${io.color ? `\x1b[1m${title}\x1b[0m` : title}\n${'─'.repeat(title.length)}\n`);
  const base = { matrix: flags.matrix, format: 'text' as const, journal: join(tmpdir(), 'posthog-access-demo-journal.jsonl') };
  try {
    io.stdout.write(`PostHog emulator running at ${emulator.url} with a sample organization.\n`);
    const saved = join(await mkdtemp(join(tmpdir(), 'posthog-access-demo-')), 'plan.json');
    step(`1. plan ${flags.matrix} --out plan.json`);
    await planCommand({ ...base, out: saved }, demo, io);
    step('2. apply plan.json (the reviewed plan; refused if PostHog moved since)');
    const applied = await applyCommand(saved, base, demo, io);
    if (applied !== 0) return applied;
    step('3. erin@example.com accepts her invite; apply again');
    const accepted = await fetch(`${emulator.url}/_emulator/invites/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'erin@example.com' }) });
    if (!accepted.ok) throw new Error(`the emulator did not accept the invite: ${accepted.status} ${await accepted.text()}`);
    const second = await applyCommand(undefined, { ...base, yes: true }, demo, io);
    if (second !== 0) return second;
    step('4. plan again: PostHog now matches the matrix');
    return await planCommand({ ...base, detailedExitcode: true }, demo, io);
  } finally {
    await emulator.close();
  }
}
