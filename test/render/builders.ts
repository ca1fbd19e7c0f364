// Small builders for plans: defaults for everything, override what the test is about.
import jsonpatch, { type Operation } from 'fast-json-patch';
import { parseChange } from '../../src/plan/read.ts';
import type { Change, OrganizationPlan, Plan, Subject } from '../../src/plan/types.ts';
import { accessChanges } from '../../src/access/changes.ts';
import type { AccessView } from '../../src/access/effective.ts';
import { ORG_LEVEL_NAMES, type OrgLevelName } from '../../src/model/levels.ts';

type Fields = {
  kind?: Change['kind'];
  action?: Change['action'];
  key?: string;
  subject?: Subject;
  before?: object;
  after?: object;
  patch?: Operation[];
  reason?: string;
  note?: string;
  destructive?: boolean;
  dependsOn?: string[];
  cascade?: number;
};

/** The subject a simple kind's key names (composite keys need their subject given). */
function subjectFor(kind: Change['kind'], key: string): Subject {
  switch (kind) {
    case 'project': return { project: key };
    case 'team': return { team: key };
    case 'domain': return { domain: key };
    case 'member': case 'invite': return { email: key };
    default: return {};
  }
}

/** A value of the kind (for the side the test does not care about). */
function valueFor(kind: Change['kind'], key: string, level: 'admin' | 'member'): object {
  switch (kind) {
    case 'project': case 'team': return { name: key };
    case 'invite': return { level, projects: {}, expired: false };
    case 'team_member': case 'org_settings': return {};
    case 'domain': return { domain: key, verified: false };
    case 'secret_key': return { scopes: [], roll: false };
    default: return { level };
  }
}

/** A change as its kind makes them (checked like a saved plan's): defaults for all but what the test is about. */
export function change(fields: Fields = {}): Change {
  const kind = fields.kind ?? 'member';
  const action = fields.action ?? 'update';
  const key = fields.key ?? 'bob@example.com';
  const before = fields.before ?? valueFor(kind, key, 'admin');
  const after = fields.after ?? valueFor(kind, key, 'member');
  return parseChange({
    id: `${kind}:${key}`, kind, action, key, subject: fields.subject ?? subjectFor(kind, key),
    ...(action !== 'create' && { before }), ...(action !== 'delete' && { after }),
    ...(action === 'update' && { patch: fields.patch ?? jsonpatch.compare(before, after) }),
    reason: fields.reason ?? 'declared in the matrix',
    ...(fields.note !== undefined && { note: fields.note }),
    destructive: fields.destructive ?? action === 'delete',
    dependsOn: fields.dependsOn ?? [],
    ...(fields.cascade !== undefined && { cascade: fields.cascade }),
  });
}

/**
 * The organization the plans here are about, for the effective-access model: alice owner, dave
 * admin, carol and frank members; frank in Engineering; Production open to members by default,
 * Engineering member there, carol admin there. People a member change names join as what it had.
 */
export function sampleView(changes: readonly Change[]): AccessView {
  const person = (email: string, level: OrgLevelName) => ({ email, level, pending: false, invited: {} });
  const view: AccessView = {
    mode: 'legacy', accessControl: true, roleBasedAccess: true,
    people: Object.fromEntries([person('alice@example.com', 'owner'), person('carol@example.com', 'member'), person('dave@example.com', 'admin'), person('frank@example.com', 'member')].map((p) => [p.email, p])),
    teams: { Engineering: ['frank@example.com'] },
    projects: { Production: { default: 'member', teams: { Engineering: 'member' }, members: { 'carol@example.com': 'admin' }, resources: {}, known: true } },
  };
  for (const c of changes) {
    if (c.kind !== 'member' || c.action === 'create' || view.people[c.subject.email]) continue;
    const level = ORG_LEVEL_NAMES.includes(c.before.level as OrgLevelName) ? c.before.level as OrgLevelName : 'member';
    view.people[c.subject.email] = person(c.subject.email, level);
  }
  return view;
}

/** Fields of a plan with one organization, given flat: the plan's own (times, tool, checksum) and its organization's. */
export type PlanFields = Partial<Omit<Plan, 'organizations' | 'summary'>> & Partial<OrganizationPlan>;

const summaryOf = (changes: readonly Change[]) => ({
  create: changes.filter((c) => c.action === 'create').length,
  update: changes.filter((c) => c.action === 'update').length,
  delete: changes.filter((c) => c.action === 'delete').length,
  destructive: changes.filter((c) => c.destructive).length,
});

/** One organization's part of a plan: defaults for everything, override what the test is about. */
export function organizationPlan(overrides: Partial<OrganizationPlan> = {}): OrganizationPlan {
  const changes = overrides.changes ?? [];
  return {
    access: accessChanges(sampleView(changes), changes),
    host: 'https://us.posthog.com',
    organization: { id: '0191b2c3-0000-7000-8000-000000000001', name: 'Acme' },
    matrix: { file: 'access-matrix.yaml', sha256: 'a'.repeat(64) },
    validUntil: null,
    fingerprint: { digest: 'f'.repeat(64), sections: { members: 'b'.repeat(64), organization: 'c'.repeat(64) } },
    read: { organization: '0191b2c3-0000-7000-8000-000000000001', projects: ['Production'], secretKeys: [], domains: false },
    safety: { maxDeletes: 10, protected: ['alice@example.com'] },
    changes,
    notices: [],
    manualSteps: [],
    refusals: [],
    summary: summaryOf(changes),
    ...overrides,
  };
}

/** A plan of one organization; the plan's fields and the organization's are given together. */
export function plan(overrides: PlanFields = {}): Plan {
  const { formatVersion, tool, createdAt, at, validUntil, checksum, ...organization } = overrides;
  const org = organizationPlan({ ...organization, ...(validUntil !== undefined && { validUntil }) });
  return plans([org], { formatVersion, tool, createdAt, at, validUntil, checksum });
}

/** A plan of several organizations. */
export function plans(organizations: OrganizationPlan[], overrides: Partial<Omit<Plan, 'organizations'>> = {}): Plan {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return {
    formatVersion: 2,
    tool: { name: 'posthog-access', version: '0.1.0' },
    createdAt: '2026-03-20T09:30:00.000Z',
    at: '2026-03-20',
    validUntil: null,
    organizations,
    summary: summaryOf(organizations.flatMap((o) => o.changes)),
    checksum: 'e'.repeat(64),
    ...defined,
  };
}

/** A small plan touching most sections, in apply order. */
export function samplePlan(overrides: PlanFields = {}): Plan {
  return plan({
    changes: [
      change({ kind: 'project', action: 'create', key: 'Data Warehouse', after: { name: 'Data Warehouse' }, }),
      change({ kind: 'team', action: 'create', key: 'Product', after: { name: 'Product' }, }),
      change({
        kind: 'invite',
        action: 'create',
        key: 'erin@example.com',
        after: { level: 'member', projects: { 'Data Warehouse': 'member' }, expired: false },
        subject: { email: 'erin@example.com' },
      }),
      change({
        kind: 'member',
        key: 'dave@example.com',
        before: { level: 'admin' },
        after: { level: 'member' },
        patch: [{ op: 'replace', path: '/level', value: 'member' }],
        reason: 'expired 2026-01-31',
        note: 'Pricing experiment, approved by the CTO (OPS-123)',
        destructive: true,
      }),
      change({
        kind: 'team_member',
        action: 'delete',
        key: 'Engineering / frank@example.com',
        before: {},
        reason: 'not in the matrix (prune.teams)',
        subject: { email: 'frank@example.com', team: 'Engineering' },
      }),
      change({
        kind: 'project_access',
        action: 'delete',
        key: 'Production / member:carol@example.com',
        before: { level: 'admin' },
        reason: 'expired 2026-03-16',
        note: 'incident follow-up',
        subject: { email: 'carol@example.com', project: 'Production' },
      }),
      change({
        kind: 'project_access',
        action: 'create',
        key: 'Data Warehouse / team:Engineering',
        after: { level: 'member' },
        subject: { project: 'Data Warehouse', team: 'Engineering' },
      }),
    ],
    ...overrides,
  });
}
