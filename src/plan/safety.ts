// The safety gate: every refusal, decided by one function of (plan, context), made by plan (the
// guards, shown with the plan), by apply (again, with the state as read then, before any write)
// and used by the renderers (the --allow-deletes count). Pure. Rules about one kind's changes are
// that kind's `refusals` (src/plan/kinds/); the rules here name no kind.
import { protectedLosses } from '../access/after.ts';
import { viewOfActual } from '../access/view.ts';
import type { ActualState } from '../model/actual.ts';
import { ORG_LEVELS } from '../model/levels.ts';
import { canonicalJson, fingerprint, moved } from './fingerprint.ts';
import type { GuardContext, Kind, PlanOptions } from './kind.ts';
import { refuse } from './refuse.ts';
import { KINDS, kindOf, subjectOf } from './registry.ts';
import { missingScopes, requiredScopes, scopeOf } from './scopes.ts';
import type { Change, ChangeOf, ChangeKind, OrganizationPlan, Plan, Refusal } from './types.ts';
import { count } from '../util/english.ts';
import { append } from '../util/append.ts';

export interface Safety {
  maxDeletes: number;
  protected: string[];
}

/**
 * What the gate judges: an organization's changes and what a saved plan records about them (the
 * plan's `at` and `createdAt` with them). The gate runs once per organization of a plan.
 */
export type Gated = Pick<OrganizationPlan, 'changes' | 'safety' | 'validUntil' | 'host' | 'fingerprint'> & Pick<Plan, 'at' | 'createdAt'> & { organization?: OrganizationPlan['organization'] };

/** An organization of a plan with the plan's times: what the gate and the reviewed check take. */
export type GatedOrganization = OrganizationPlan & Pick<Plan, 'at' | 'createdAt'>;

/** Each organization of a plan as the gate judges it. */
export function gatedOrganizations(plan: Plan): GatedOrganization[] {
  return plan.organizations.map((organization) => ({ ...organization, at: plan.at, createdAt: plan.createdAt }));
}

export interface GateContext {
  /** PostHog as read for this run; absent before reading: only the checks that need no call. */
  actual?: ActualState;
  /** `--allow-deletes N`: lifts max_deletes for this run, up to N. */
  allowDeletes?: number;
  /** The run's flags (`--allow-sso-without-idp`); a saved plan is judged with those given to apply. */
  options?: PlanOptions;
  /** Set when applying: what is checked before any write. */
  apply?: {
    now: Date;
    /** The host this run talks to. */
    host: string;
    /** A plan read from a file (made earlier), rather than made in this run. */
    saved: boolean;
    /** Whether a secret sink was given (--secrets-file, --secrets-command). */
    secretSink: boolean;
    /**
     * A saved plan as read from its file, when the plan judged is the one computed again now from
     * the matrix and PostHog: the file is applied only when it says exactly that.
     */
    reviewed?: GatedOrganization;
  };
}

/** The order refusals are listed in. */
const ORDER = ['at', 'valid_until', 'host', 'reviewed', 'stale', 'self', 'protected', 'last_owner', 'permission', 'sso', 'verified_domains', 'max_deletes', 'scope', 'secrets'];

/** Every reason not to apply these changes; empty when they may be applied. */
export function refusalsOf(plan: Gated, ctx: GateContext): Refusal[] {
  const out: Refusal[] = [];
  const { apply, actual } = ctx;
  // A saved plan's own fields are judged from its file; what it would do, from the plan made now.
  const file = apply?.reviewed ?? plan;
  if (apply?.saved) out.push(...savedPlanRefusals(file, apply.now, apply.host));
  if (apply?.reviewed) out.push(...reviewRefusals(apply.reviewed, plan as GatedOrganization));
  if (actual) {
    if (apply?.saved) {
      const movedSections = moved(file.fingerprint, fingerprint(actual));
      const where = file.organization ? `, in organization ${file.organization.name} (${file.organization.id}):` : '';
      if (movedSections.length) out.push(refuse('stale', `the saved plan is stale: PostHog changed since it was made${where} (${movedSections.join(', ')}). Run plan again, review it, and apply the new one`, []));
    }
    out.push(...guardRefusals(plan, actual, ctx));
    if (apply && plan.changes.length) {
      out.push(...scopeRefusals(actual, plan.changes));
      if (!apply.secretSink) out.push(...secretRefusals(plan.changes));
    }
  }
  return merged(out).sort((a, b) => rank(a) - rank(b));
}

const rank = (r: Refusal) => {
  const i = ORDER.indexOf(r.guard);
  return i === -1 ? ORDER.length : i;
};

/** One refusal per rule and message: two kinds refusing for the same reason read as one. */
function merged(refusals: Refusal[]): Refusal[] {
  const byText = new Map<string, Refusal>();
  for (const r of refusals) {
    const same = byText.get(`${r.guard}\n${r.message}`);
    if (same) append(same.changeIds, r.changeIds);
    else byText.set(`${r.guard}\n${r.message}`, { ...r, changeIds: [...r.changeIds] });
  }
  return [...byText.values()];
}

/** A saved plan applies only as it was reviewed: made for now, still in date, for this host. */
function savedPlanRefusals(plan: Gated, now: Date, host: string): Refusal[] {
  const out: Refusal[] = [];
  if (plan.at !== plan.createdAt) {
    out.push(refuse('at', `the plan was computed as of ${plan.at} (--at), for review only: apply evaluates expiry as of now; plan again without --at`, []));
  }
  if (plan.validUntil && now.getTime() >= Date.parse(plan.validUntil)) {
    out.push(refuse('valid_until', `the saved plan is stale: a grant in the matrix started or ended at ${plan.validUntil}, after the plan was made. Run plan again, review it, and apply the new one`, []));
  }
  if (plan.host !== host) {
    out.push(refuse('host', `the plan was made against ${plan.host}, but this run talks to ${host} (the matrix's organization.host, else POSTHOG_HOST): run plan again against this host`, []));
  }
  return out;
}

/**
 * A saved plan applies only as reviewed: what its file says must be exactly what the matrix it
 * names and PostHog give now (the plan computed again). Guards and safety settings then come from
 * that plan, never from the file; its checksum is no protection (anyone can compute it again).
 */
function reviewRefusals(file: GatedOrganization, now: GatedOrganization): Refusal[] {
  const differs: string[] = [];
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  if (file.organization.id !== now.organization.id) differs.push(`organization (${file.organization.id} in the file, ${now.organization.id} in the matrix)`);
  if (!same(file.safety, now.safety)) differs.push(`safety (${canonicalJson(file.safety)} in the file, ${canonicalJson(now.safety)} in the matrix)`);
  if (!same(file.read, now.read)) differs.push('read (what is read from PostHog)');
  if (file.validUntil !== now.validUntil) differs.push(`validUntil (${file.validUntil} in the file, ${now.validUntil} now)`);
  if (Date.parse(file.createdAt) > Date.parse(file.at) || Number.isNaN(Date.parse(file.createdAt))) differs.push(`createdAt (${file.createdAt})`);
  const saved = new Map(file.changes.map((c) => [c.id, canonicalJson(c)]));
  const current = new Map(now.changes.map((c) => [c.id, canonicalJson(c)]));
  const added = [...saved.keys()].filter((id) => !current.has(id));
  const missing = [...current.keys()].filter((id) => !saved.has(id));
  const changed = [...saved.keys()].filter((id) => current.has(id) && current.get(id) !== saved.get(id));
  const list = (ids: string[]) => `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`;
  if (added.length) differs.push(`changes the matrix and PostHog do not give now: ${list(added)}`);
  if (missing.length) differs.push(`changes missing from the file: ${list(missing)}`);
  if (changed.length) differs.push(`changes that differ: ${list(changed)}`);
  if (!added.length && !missing.length && !changed.length && canonicalJson(file.changes.map((c) => c.id)) !== canonicalJson(now.changes.map((c) => c.id))) differs.push('the order of the changes');
  if (!same(file.summary, now.summary)) differs.push('summary');
  if (!differs.length) return [];
  return [refuse('reviewed', `the saved plan is not the plan the matrix (${now.matrix.file}) and PostHog give now, so it is not applied as reviewed; it differs in: ${differs.join('; ')}. Run plan again, review it, and apply that plan`, [])];
}

/** How many things the changes remove or lower, counting what goes with a removed member or team. */
export function removalCount(changes: readonly Change[]): { total: number; cascaded: number } {
  const destructive = changes.filter((c) => c.destructive);
  const cascaded = destructive.reduce((n, c) => n + (c.action === 'delete' ? (c.cascade ?? 0) : 0), 0);
  return { total: destructive.length + cascaded, cascaded };
}

/** The guards: self, protected, last owner, permission, SSO, verified domains (the kinds'), max_deletes. */
function guardRefusals(plan: Gated, actual: ActualState, ctx: GateContext): Refusal[] {
  const { changes, safety } = plan;
  const out: Refusal[] = [];
  // One check, on effective access (src/access/): whatever lowers what a protected person can reach
  // or takes a team or a grant of theirs, whether or not the change names them.
  const guarded = [...new Set(safety.protected.map((e) => e.toLowerCase()))].sort();
  // No change lowers anything: the view (a pass over every rule) is made only when there are some.
  const hit = changes.length ? protectedLosses(viewOfActual(actual), changes, guarded) : { losses: [], changes: [] };
  if (hit.losses.length) {
    const who = [...new Set(hit.losses.map((l) => l.email))].join(', ');
    const where = hit.losses.map((l) => `${l.email} on ${l.where} (${l.before} → ${l.after})`).join(', ');
    out.push(refuse('protected', `the plan would remove or lower access of protected people (${who}): ${where}. Keep the team, rule or default that gives it, restore their grants in the matrix, or take them out of safety.protected on purpose`, hit.changes));
  }

  const notAdmin = changes.length > 0 && actual.organization.membershipLevel < ORG_LEVELS.admin;
  if (notAdmin) {
    out.push(refuse('permission', `${actual.me.email} (the key's user) is a member of this organization; PostHog lets only admins and owners change access: use an admin's key`, changes));
  }
  const guardCtx: GuardContext = { actual, options: ctx.options ?? {} };
  for (const kind of KINDS) {
    const own = kindRefusals(kind, changes, guardCtx);
    // A member's key may change nothing: that one refusal says it all.
    out.push(...(notAdmin ? own.filter((r) => r.guard !== 'permission') : own));
  }

  const { total, cascaded } = removalCount(changes);
  const limit = Math.max(safety.maxDeletes, ctx.allowDeletes ?? 0);
  if (total > limit) {
    const including = cascaded ? `, including ${count(cascaded, 'membership or rule', 'memberships and rules')} that go with removed members and teams` : '';
    out.push(refuse('max_deletes', `the plan removes or lowers ${count(total, 'thing')}${including}, more than safety.max_deletes (${safety.maxDeletes}): review them, then run with --allow-deletes ${total}`, changes.filter((c) => c.destructive)));
  }
  return out;
}

function kindRefusals<K extends ChangeKind>(kind: Kind<K>, changes: readonly ChangeOf<ChangeKind>[], ctx: GuardContext): Refusal[] {
  const own = changes.filter((c): c is ChangeOf<K> => c.kind === kind.kind);
  return own.length && kind.refusals ? kind.refusals(own, ctx) : [];
}


/** The preflight before any write: the running key must have every scope and no project scoping. */
function scopeRefusals(actual: ActualState, changes: Change[]): Refusal[] {
  const key = actual.key;
  if (!key) return [refuse('scope', 'the running key could not be read (GET /api/personal_api_keys/@current): use a personal API key', [])];
  const out: Refusal[] = [];
  if (key.scopedTeams.length) out.push(refuse('scope', `the running key "${key.label}" is limited to projects (${key.scopedTeams.join(', ')}); PostHog refuses such keys on organization endpoints: use a key scoped to the organization`, []));
  if (key.scopedOrganizations.length && !key.scopedOrganizations.includes(actual.organization.id)) {
    out.push(refuse('scope', `the running key "${key.label}" is not allowed in organization ${actual.organization.id}`, []));
  }
  const missing = missingScopes(key.scopes, requiredScopes(changes));
  if (missing.length) out.push(refuse('scope', `the running key "${key.label}" lacks ${missing.map((s) => `'${s}'`).join(', ')}: add ${missing.length === 1 ? 'it' : 'them'} to the key in PostHog (Settings → Personal API keys)`, changes.filter((c) => missing.includes(scopeOf(c)))));
  return out;
}

/** Changes whose apply makes a new secret value (the kinds say which). */
export function secretMakingChanges(changes: readonly Change[]): Change[] {
  return changes.filter((c) => makesSecret(c));
}

/** Whether applying the change makes a new secret value (the journal records such a step before its call). */
export function makesSecret(change: Change): boolean {
  return kindOf(change.kind).makesSecret?.(change) ?? false;
}

/** PostHog shows a new secret key value once: without a sink it would be lost. */
function secretRefusals(changes: Change[]): Refusal[] {
  const making = secretMakingChanges(changes);
  if (!making.length) return [];
  return [refuse('secrets', `the plan creates or rolls ${making.length} project secret key${making.length === 1 ? '' : 's'} (${making.map((c) => c.key).join(', ')}), and PostHog shows a new value only once: pass --secrets-file FILE (a JSON file written with mode 0600) or --secrets-command CMD (gets each value on stdin) so it is kept`, making)];
}
