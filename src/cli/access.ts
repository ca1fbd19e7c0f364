// `explain EMAIL` and `who-can PROJECT [RESOURCE]`: effective access (docs/access.md) of the live
// organization named by the environment, or with --matrix what apply would leave (one answer per
// matrix, so several organizations in one run). Read-only.
import { personAccess, whoCan, type AccessView } from '../access/effective.ts';
import { explainJson, explainMarkdown, explainText, whoCanJson, whoCanMarkdown, whoCanText, type AccessFormat, type EndingSoon, type OrganizationRef } from '../access/report.ts';
import { modeOf, viewOfActual, viewOfDesired } from '../access/view.ts';
import type { ActualState } from '../model/actual.ts';
import type { DesiredState, Grant } from '../model/desired.ts';
import { effectiveGrant, endOf, EXPIRING_SOON_DAYS } from '../plan/expiry.ts';
import type { Io } from './commands.ts';
import { EXIT } from './exit.ts';
import { readLive } from './live.ts';
import { load, type Session } from './pipeline.ts';

export interface AccessFlags {
  matrix: string[];
  format: AccessFormat;
}

interface Answerable {
  organization: OrganizationRef;
  view: AccessView;
  desired?: DesiredState;
}

const refOf = (actual: ActualState): OrganizationRef => ({ id: actual.organization.id, name: actual.organization.name, mode: modeOf(actual) });

/** The live organization, or each matrix's organization as apply would leave it. */
async function sources(flags: AccessFlags, session: Session, now: Date): Promise<Answerable[]> {
  if (!flags.matrix.length) {
    const actual = await readLive(session);
    return [{ organization: refOf(actual), view: viewOfActual(actual) }];
  }
  const out: Answerable[] = [];
  for (const file of flags.matrix) {
    const { desired } = await load(file, session);
    const actual = await readLive(session, { organization: desired.organization.id });
    out.push({ organization: refOf(actual), view: viewOfDesired(desired, actual, now), desired });
  }
  return out;
}

/** The person's own grants in the matrix that end within EXPIRING_SOON_DAYS of `now`. */
function endingSoon(desired: DesiredState | undefined, email: string, now: Date): EndingSoon[] {
  if (!desired) return [];
  const out: EndingSoon[] = [];
  const check = (what: string, grant: Grant<string> | undefined) => {
    if (!grant) return;
    const effective = effectiveGrant(grant, now);
    if (effective.endsSoon) out.push({ what: `${grant.level} ${what}`, expires: effective.endsSoon, ...(grant.then && { then: grant.then }) });
  };
  check('in the organization', desired.members[email]);
  for (const [team, { members }] of Object.entries(desired.teams)) {
    const m = members.find((x) => x.email === email);
    if (m?.expires && endOf(m.expires) > now.getTime() && endOf(m.expires) - now.getTime() <= EXPIRING_SOON_DAYS * 86_400_000) out.push({ what: `membership of ${team}`, expires: m.expires });
  }
  for (const [name, project] of Object.entries(desired.projects)) {
    check(`on ${name}`, project.members[email]);
    for (const [resource, rules] of Object.entries(project.resources)) check(`on ${name} / ${resource}`, rules.members[email]);
  }
  return out.sort((a, b) => (a.expires < b.expires ? -1 : a.expires > b.expires ? 1 : 0));
}

function write(io: Io, format: AccessFormat, render: { text: () => string; markdown: () => string; json: () => unknown }): void {
  io.stdout.write(format === 'json' ? `${JSON.stringify(render.json(), null, 2)}\n` : format === 'markdown' ? render.markdown() : render.text());
}

export async function explainCommand(emailArg: string, flags: AccessFlags, session: Session, io: Io): Promise<number> {
  const email = emailArg.trim().toLowerCase();
  const now = new Date();
  const answers = (await sources(flags, session, now)).map((s) => ({
    organization: s.organization, access: personAccess(s.view, email), endingSoon: endingSoon(s.desired, email, now),
  }));
  write(io, flags.format, { text: () => explainText(email, answers), markdown: () => explainMarkdown(email, answers), json: () => explainJson(email, answers) });
  return answers.some((a) => a.access) ? EXIT.ok : EXIT.error;
}

export async function whoCanCommand(project: string, resource: string | undefined, flags: AccessFlags, session: Session, io: Io): Promise<number> {
  const answers = (await sources(flags, session, new Date())).map((s) => ({
    organization: s.organization, project, ...(resource !== undefined && { resource }),
    found: project in s.view.projects, people: project in s.view.projects ? whoCan(s.view, project, resource) : [],
  }));
  write(io, flags.format, { text: () => whoCanText(answers), markdown: () => whoCanMarkdown(answers), json: () => whoCanJson(answers) });
  return answers.some((a) => a.found) ? EXIT.ok : EXIT.error;
}
