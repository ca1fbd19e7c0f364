// Organization members: list, level changes, removal.
import { forbidden, invalid, notFound } from '../errors.ts';
import { memberJson } from '../serialize.ts';
import { log, noContent, noScopeAction, obj, ok, ORG, paginate, route } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { MembershipRow } from '../snapshot.ts';

const SEARCH_MAX = 200;
const SIMILARITY = 0.3;

/** pg_trgm's trigrams of one word: lower-cased, padded with two spaces before and one after. */
function trigrams(word: string): Set<string> {
  const padded = `  ${word.toLowerCase()} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

function similarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  return common / (ta.size + tb.size - common);
}

/**
 * The members list's `search`: a name or address that contains the text (any case), a word that
 * starts with it (typing ahead), or a word close to it (trigram similarity ≥ 0.3, so a transposed
 * letter still matches). Results carry how they matched.
 */
function searchMatch(s: Ctx['state'], m: MembershipRow, text: string): 'exact' | 'fuzzy' | null {
  const u = s.users.get(m.user_uuid);
  if (!u) return null;
  const q = text.toLowerCase();
  const fields = [u.first_name, u.last_name, `${u.first_name} ${u.last_name}`, u.email].map((f) => f.toLowerCase());
  if (fields.some((f) => f.includes(q))) return 'exact';
  const words = fields.flatMap((f) => f.split(/[^\p{L}\p{N}]+/u)).filter(Boolean);
  const qWords = q.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (qWords.length && qWords.every((qw) => words.some((w) => similarity(w, qw) >= SIMILARITY))) return 'fuzzy';
  return null;
}

function membersList(ctx: Ctx): Result {
  const s = ctx.state;
  const org = ctx.org!;
  const idx = s.orgMembers.get(org.id);
  const email = ctx.query.get('email');
  const rawSearch = ctx.query.get('search');
  if (rawSearch !== null && rawSearch.length > SEARCH_MAX) {
    throw invalid(`Ensure this field has no more than ${SEARCH_MAX} characters.`, 'search', 'max_length');
  }
  const search = rawSearch?.trim() ? rawSearch.trim() : null;
  // an organization that hides its member list shows members below admin only their project peers
  const visible = s.visibleMembershipIds(org.id, ctx.membership!);
  if (email !== null || visible !== null || search !== null) {
    let list: MembershipRow[] = [];
    if (email !== null) {
      const u = s.userByEmail(email);
      const m = u && u.email === email ? idx?.byUser.get(u.uuid) : undefined;
      if (m && s.isListedMember(m)) list = [m];
    } else list = [...s.listedMembers(org.id)].reverse();
    if (visible !== null) list = list.filter((m) => visible.has(m.id));
    if (search === null) return ok(paginate(ctx, list.length, (i) => memberJson(s, list[i]!)));
    const found: [MembershipRow, 'exact' | 'fuzzy'][] = [];
    for (const m of list) {
      const how = searchMatch(s, m, search);
      if (how) found.push([m, how]);
    }
    return ok(paginate(ctx, found.length, (i) => ({ ...memberJson(s, found[i]![0]), search_match_type: found[i]![1] })));
  }
  // inactive users and PostHog's bots are not listed
  const ordered = s.listedMembers(org.id);
  const asc = ctx.query.get('order') === 'joined_at';
  const n = ordered.length;
  return ok(paginate(ctx, n, (i) => memberJson(s, ordered[asc ? i : n - 1 - i]!)));
}

function findTargetMember(ctx: Ctx): MembershipRow {
  const key = ctx.params.user__uuid!;
  const uuid = key === '@me' ? ctx.user.uuid : key;
  const m = ctx.state.membership(ctx.org!.id, uuid);
  if (!m) throw notFound();
  return m;
}

/** OrganizationMembership.validate_update (posthog/models/organization.py). */
function validateUpdate(me: MembershipRow, target: MembershipRow, newLevel: number | null): void {
  if (newLevel !== null) {
    if (target.id === me.id) throw forbidden("You can't change your own access level.");
    if (newLevel === 15) {
      if (me.level !== 15) throw forbidden("You can only make another member owner if you're this organization's owner.");
    } else if (newLevel > me.level) {
      throw forbidden('You can only change access level of others to lower or equal to your current one.');
    }
  }
  if (target.id !== me.id) {
    if (me.level < 8) throw forbidden('You can only edit others if you are an admin.');
    if (target.level > me.level) throw forbidden('You can only edit others with level lower or equal to you.');
  }
}

function membersUpdate(ctx: Ctx): Result {
  const s = ctx.state;
  const target = findTargetMember(ctx);
  const body = obj(ctx.body);
  let level: number | null = null;
  if ('level' in body) {
    const v = body.level;
    if (v !== 1 && v !== 8 && v !== 15 && v !== '1' && v !== '8' && v !== '15') {
      throw invalid(`"${String(v)}" is not a valid choice.`, 'level', 'invalid_choice');
    }
    level = Number(v);
  } else if (ctx.method === 'PUT') {
    throw invalid('This field is required.', 'level', 'required');
  }
  // the object permission (OrganizationMemberObjectPermissions) runs validate_update without a
  // level before the serializer runs it with one: "edit others if you are an admin" comes first
  validateUpdate(ctx.membership!, target, null);
  validateUpdate(ctx.membership!, target, level);
  if (level !== null && level !== target.level) {
    const before = target.level;
    target.level = level as 1 | 8 | 15;
    target.updated_at = ctx.now.toISOString();
    log(ctx, 'updated', 'OrganizationMembership', target.id, s.membershipEntryName(target, 'updated'),
      [{ type: 'OrganizationMembership', action: 'changed', field: 'level', before, after: level }], s.membershipContext(target));
  }
  return ok(memberJson(s, target));
}

function membersDestroy(ctx: Ctx): Result {
  const s = ctx.state;
  const target = findTargetMember(ctx);
  validateUpdate(ctx.membership!, target, null);
  if (target.level >= 15) throw invalid('Cannot leave the organization as its owner!');
  const name = s.membershipEntryName(target, 'deleted');
  const context = s.membershipContext(target);
  s.removeMembership(target);
  log(ctx, 'deleted', 'OrganizationMembership', target.id, name, null, context);
  return noContent();
}

export const MEMBER_ROUTES: RouteSpec[] = [
  route('GET', `${ORG}/members/`, 'members_list', 'organization_member', 'org', membersList),
  route('PATCH', `${ORG}/members/{user__uuid}/`, 'members_partial_update', 'organization_member', 'org', membersUpdate),
  route('PUT', `${ORG}/members/{user__uuid}/`, 'members_update', 'organization_member', 'org', membersUpdate),
  route('DELETE', `${ORG}/members/{user__uuid}/`, 'members_destroy', 'organization_member', 'org', membersDestroy),
  // declares no scope: refused for personal API keys before any handler runs
  route('GET', `${ORG}/members/{user__uuid}/scoped_api_keys/`, 'members_scoped_api_keys_retrieve', null, 'org', noScopeAction),
];
