// `explain EMAIL` and `who-can PROJECT [RESOURCE]`: effective access (docs/access.md) of the live
// organization named by the environment, or with --matrix what apply would leave (one answer per
// matrix, so several organizations in one run). Read-only.
import { personAccess, whoCan, type AccessView } from '../access/effective.ts';
import { explainJson, explainMarkdown, explainText, whoCanJson, whoCanMarkdown, whoCanText, type EndingSoon, type Explained, type OrganizationRef } from '../access/report.ts';
import { modeOf, viewOfActual, viewOfDesired } from '../access/view.ts';
import type { ActualState } from '../model/actual.ts';
import type { DesiredState, Grant } from '../model/desired.ts';
import { effectiveGrant, endOf, EXPIRING_SOON_DAYS } from '../plan/expiry.ts';
import type { Io } from './commands.ts';
import { EXIT } from './exit.ts';
import { readLive } from './live.ts';
import { connect, forOrganization, load, type Session } from './pipeline.ts';
import { ConfigError } from '../errors.ts';
import { verificationMarkdown, verificationText, verify, type Verification } from '../access/verify.ts';
import { readCreated } from '../state/created.ts';
import type { AccessFormat } from '../access/formats.ts';

export interface AccessFlags {
  matrix: string[];
  format: AccessFormat;
  /** Compare with PostHog's own effective access (live only). */
  verify?: boolean;
  /** explain: also read what the person created that others rely on (three calls per project). */
  offboarding?: boolean;
}

interface Answerable {
  organization: OrganizationRef;
  view: AccessView;
  actual: ActualState;
  desired?: DesiredState;
  /** Where this organization is read: the environment's host and key, or the matrix's own. */
  session: Session;
}

const refOf = (actual: ActualState): OrganizationRef => ({ id: actual.organization.id, name: actual.organization.name, mode: modeOf(actual) });

/** The live organization, or each matrix's organization as apply would leave it. */
async function sources(flags: AccessFlags, session: Session, now: Date): Promise<Answerable[]> {
  if (!flags.matrix.length) {
    const actual = await readLive(session);
    return [{ organization: refOf(actual), view: viewOfActual(actual), actual, session }];
  }
  const out: Answerable[] = [];
  for (const file of flags.matrix) {
    const { desired } = await load(file, session);
    // Each matrix's organization with its own host and key (organization.host, organization.api_key_env).
    const own = forOrganization(session, desired);
    const actual = await readLive(own, { organization: desired.organization.id });
    out.push({ organization: refOf(actual), view: viewOfDesired(desired, actual, now), actual, desired, session: own });
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

function write(io: Io, format: AccessFormat, render: { text: () => string; markdown: () => string; json: () => unknown }, checks: Verification[]): void {
  if (format === 'json') {
    const json = render.json() as Record<string, unknown>;
    io.stdout.write(`${JSON.stringify(checks.length ? { ...json, verify: checks } : json, null, 2)}\n`);
    return;
  }
  io.stdout.write(format === 'markdown' ? `${render.markdown()}${checks.map(verificationMarkdown).join('')}` : `${render.text()}${checks.map(verificationText).join('')}`);
}

function requireLive(flags: AccessFlags): void {
  if (flags.verify && flags.matrix.length) throw new ConfigError('--verify compares the live organization with what PostHog enforces; it cannot be combined with --matrix (a desired state is not enforced yet)');
}

/** PostHog's answer for these projects (one read each), compared with the model's. */
async function check(source: Answerable, projects: string[], only?: { email?: string; membershipId?: string; resource?: string }): Promise<Verification> {
  const api = connect(source.session);
  try {
    const ids = projects.filter((p) => source.actual.projects[p]).map((p) => ({ name: p, id: source.actual.projects[p]!.id }));
    return await verify(api, source.view, ids, only);
  } finally {
    await api.close();
  }
}

/** Exit 2 when PostHog and the model differ (like drift). */
const verdict = (found: boolean, checks: Verification[]) => (!found ? EXIT.error : checks.some((c) => c.differences.length) ? EXIT.changes : EXIT.ok);

export async function explainCommand(emailArg: string, flags: AccessFlags, session: Session, io: Io): Promise<number> {
  requireLive(flags);
  const email = emailArg.trim().toLowerCase();
  const now = new Date();
  const found = await sources(flags, session, now);
  const answers: Explained[] = found.map((s) => ({
    organization: s.organization, access: personAccess(s.view, email), endingSoon: endingSoon(s.desired, email, now),
  }));
  if (flags.offboarding) {
    for (const [i, s] of found.entries()) {
      if (!s.actual.members[email]) continue;
      const api = connect(s.session);
      try {
        const created = await readCreated(api, s.actual, [email]);
        answers[i]!.offboarding = { objects: created.byEmail[email] ?? [], unread: created.unread, projects: created.projects };
      } finally {
        await api.close();
      }
    }
  }
  const checks: Verification[] = [];
  if (flags.verify) {
    for (const s of found) {
      const member = s.actual.members[email];
      if (member) checks.push(await check(s, Object.keys(s.actual.projects).sort(), { email, membershipId: member.membershipId }));
    }
  }
  write(io, flags.format, { text: () => explainText(email, answers), markdown: () => explainMarkdown(email, answers), json: () => explainJson(email, answers) }, checks);
  return verdict(answers.some((a) => a.access), checks);
}

export async function whoCanCommand(project: string, resource: string | undefined, flags: AccessFlags, session: Session, io: Io): Promise<number> {
  requireLive(flags);
  const found = await sources(flags, session, new Date());
  const answers = found.map((s) => ({
    organization: s.organization, project, ...(resource !== undefined && { resource }),
    found: project in s.view.projects, people: project in s.view.projects ? whoCan(s.view, project, resource) : [],
  }));
  const checks: Verification[] = [];
  if (flags.verify) for (const s of found) if (s.actual.projects[project]) checks.push(await check(s, [project], resource === undefined ? {} : { resource }));
  write(io, flags.format, { text: () => whoCanText(answers), markdown: () => whoCanMarkdown(answers), json: () => whoCanJson(answers) }, checks);
  return verdict(answers.some((a) => a.found), checks);
}
