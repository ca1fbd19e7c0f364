// Organization invites: list, create, bulk, delete.
import { randomUUID } from 'node:crypto';
import { ApiError, forbidden, invalid, notFound } from '../errors.ts';
import { PROJECT_ACCESS_LEVELS } from '../tables.ts';
import { inviteJson } from '../serialize.ts';
import { boolField, EMAIL_RE, log, requireAdmin, noContent, obj, ok, ORG, paginate, route, strField } from './common.ts';
import type { Ctx, Result, RouteSpec } from './common.ts';
import type { InviteRow, ProjectRow } from '../snapshot.ts';

function invitesList(ctx: Ctx): Result {
  const s = ctx.state;
  const list = [...(s.orgInvites.get(ctx.org!.id)?.values() ?? [])];
  list.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  return ok(paginate(ctx, list.length, (i) => inviteJson(s, list[i]!, ctx.now)));
}

function checkCanInvite(ctx: Ctx): void {
  const m = ctx.membership;
  if (!m) throw forbidden('You must be a member of the organization to send invites.');
  if (m.level >= 8) return;
  const org = ctx.org!;
  // UserCanInvitePermission returns False without a message of its own: DRF's default text.
  if (ctx.state.hasFeature(org.id, 'organization_invite_settings') && !org.members_can_invite) {
    throw forbidden('You do not have permission to perform this action.');
  }
}

interface ValidInvite {
  target_email: string;
  first_name: string;
  level: 1 | 8 | 15;
  message: string | null;
  private_project_access: { id: number; level: 'none' | 'member' | 'admin' }[];
  send_email: boolean;
  combine_pending_invites: boolean;
}

/** A project is private for invites when its project-wide default rule is `none`. */
function isPrivateProject(ctx: Ctx, project: ProjectRow): boolean {
  return ctx.state.projectRules(project.id).some((ac) => !ac.organization_member && !ac.role && ac.access_level === 'none');
}

/**
 * OrganizationInviteSerializer validation. DRF validates the fields in order and reports the first
 * field error, but `validate_level` raises PermissionDenied (403) at once, even when an earlier
 * field (target_email) has an error.
 */
function validateInvite(ctx: Ctx, raw: unknown): ValidInvite {
  const body = obj(raw);
  let firstError: ApiError | null = null;
  const field = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 400) throw e;
      firstError ??= e;
      return fallback;
    }
  };
  const target_email = field(() => {
    const email0 = strField(body.target_email, 'target_email', { required: true, max: 254 })!.trim();
    if (!EMAIL_RE.test(email0)) throw invalid('Enter a valid email address.', 'target_email');
    // the whole address is lower-cased: case variants are one invite
    return email0.toLowerCase();
  }, '');
  const first_name = field(() => strField(body.first_name, 'first_name', { max: 30 }) ?? '', '');
  const level = field((): 1 | 8 | 15 => {
    if (body.level === undefined) return 1;
    const v = body.level;
    // a ChoiceField: 8 and "8" alike
    if (!['1', '8', '15'].includes(String(v)) || (typeof v !== 'number' && typeof v !== 'string')) {
      throw invalid(`"${String(v)}" is not a valid choice.`, 'level', 'invalid_choice');
    }
    const n = Number(v) as 1 | 8 | 15;
    if (n > ctx.membership!.level) throw forbidden('You cannot invite a user with a higher permission level than your own.');
    return n;
  }, 1);
  const message = field(() => strField(body.message, 'message', { nullable: true }), null);
  const ppa = field((): ValidInvite['private_project_access'] => {
    const raw = body.private_project_access;
    // the model field defaults to an empty list
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw invalid('Expected a list of items but got type "' + typeof raw + '".', 'private_project_access', 'not_a_list');
    const items: { id: number; level: 'none' | 'member' | 'admin' }[] = [];
    const teamError = 'Project does not exist on this organization, or it is private and you do not have access to it.';
    for (const item of raw as unknown[]) {
      const it = (item ?? {}) as Record<string, unknown>;
      const id = typeof it.id === 'number' ? it.id : Number.NaN;
      const project = Number.isInteger(id) ? ctx.state.projects.get(id) : undefined;
      if (!project || project.organization_id !== ctx.org!.id) throw invalid(teamError, 'private_project_access', 'invalid_input');
      if (typeof it.level !== 'string' || !(PROJECT_ACCESS_LEVELS as readonly string[]).includes(it.level)) {
        throw invalid(`Invalid access level. Must be one of: ${PROJECT_ACCESS_LEVELS.join(', ')}`, 'private_project_access', 'invalid_input');
      }
      // org admins may invite to any project; others only to open projects, or to private ones
      // (default rule `none`) they can reach, and at most at their own level there
      if (ctx.membership!.level < 8 && isPrivateProject(ctx, project)) {
        const own = ctx.state.projectLevel(ctx.membership!, project);
        if (own === 'none') throw invalid(teamError, 'private_project_access', 'invalid_input');
        if (PROJECT_ACCESS_LEVELS.indexOf(it.level as 'none') > PROJECT_ACCESS_LEVELS.indexOf(own)) {
          throw invalid('You cannot invite to a private project with a higher level than your own.', 'private_project_access', 'invalid_input');
        }
      }
      items.push({ id, level: it.level as 'none' | 'member' | 'admin' });
    }
    return items;
  }, []);
  const send_email = field(() => (body.send_email === undefined ? true : Boolean(boolField(body.send_email, 'send_email'))), true);
  const combine = field(() => (body.combine_pending_invites === undefined ? false : Boolean(boolField(body.combine_pending_invites, 'combine_pending_invites'))), false);
  if (firstError) throw firstError;
  return { target_email, first_name, level, message, private_project_access: ppa, send_email, combine_pending_invites: combine };
}

function checkNotMember(ctx: Ctx, email: string): void {
  const u = ctx.state.userByEmail(email);
  if (u && ctx.state.membership(ctx.org!.id, u.uuid)) {
    throw invalid('A user with this email address already belongs to the organization.');
  }
}

/** OrganizationInviteSerializer.create: the membership check happens here, after validation. */
function createInvite(ctx: Ctx, v: ValidInvite): InviteRow {
  const s = ctx.state;
  const org = ctx.org!;
  checkNotMember(ctx, v.target_email);
  const existing = s.invitesFor(org.id, v.target_email);
  if (v.combine_pending_invites) {
    for (const e of existing) {
      if (s.isExpired(e, ctx.now)) continue;
      if (e.level > v.level) v.level = e.level;
      for (const p of e.private_project_access ?? []) {
        const cur = v.private_project_access.find((x) => x.id === p.id);
        if (!cur) v.private_project_access.push({ ...p });
        else if (PROJECT_ACCESS_LEVELS.indexOf(p.level) > PROJECT_ACCESS_LEVELS.indexOf(cur.level)) cur.level = p.level;
      }
    }
  }
  for (const e of existing) s.removeInvite(e);
  const iso = ctx.now.toISOString();
  const invite = s.addInvite({
    id: randomUUID(),
    organization_id: org.id,
    target_email: v.target_email,
    first_name: v.first_name,
    level: v.level,
    message: v.message,
    private_project_access: v.private_project_access,
    created_by_uuid: ctx.user.uuid,
    emailing_attempt_made: false,
    created_at: iso,
    updated_at: iso,
  });
  log(ctx, 'created', 'OrganizationInvite', invite.id, ctx.state.inviteEntryName(invite, 'created'), null, ctx.state.inviteContext(invite));
  return invite;
}

function invitesCreate(ctx: Ctx): Result {
  checkCanInvite(ctx);
  const v = validateInvite(ctx, ctx.body);
  return ok(inviteJson(ctx.state, createInvite(ctx, v), ctx.now), 201);
}

function invitesBulk(ctx: Ctx): Result {
  checkCanInvite(ctx);
  if (!Array.isArray(ctx.body)) throw invalid('This endpoint needs an array of data for bulk invite creation.');
  if (ctx.body.length > 20) throw invalid('A maximum of 20 invites can be sent in a single request.', null, 'max_length');
  // every item is validated first (a 400 creates nothing); then they are created one by one, with
  // no transaction: an item whose email is already a member fails the request (400) after the
  // items before it were created
  const valid = ctx.body.map((item) => validateInvite(ctx, item));
  const created = valid.map((v) => inviteJson(ctx.state, createInvite(ctx, v), ctx.now));
  return ok(created, 201);
}

function invitesDestroy(ctx: Ctx): Result {
  const s = ctx.state;
  // OrganizationAdminWritePermissions, checked before the invite is looked up
  requireAdmin(ctx);
  const invite = s.invites.get(ctx.params.id!);
  if (!invite || invite.organization_id !== ctx.org!.id) throw notFound();
  s.removeInvite(invite);
  log(ctx, 'deleted', 'OrganizationInvite', invite.id, s.inviteEntryName(invite, 'deleted'), null, s.inviteContext(invite));
  return noContent();
}

export const INVITE_ROUTES: RouteSpec[] = [
  route('GET', `${ORG}/invites/`, 'invites_list', 'organization_member', 'org', invitesList),
  route('POST', `${ORG}/invites/`, 'invites_create', 'organization_member', 'org', invitesCreate),
  route('POST', `${ORG}/invites/bulk/`, 'invites_bulk_create', 'organization_member', 'org', invitesBulk),
  route('DELETE', `${ORG}/invites/{id}/`, 'invites_destroy', 'organization_member', 'org', invitesDestroy),
];
