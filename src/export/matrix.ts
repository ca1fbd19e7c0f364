// `export`: an access matrix of the organization as PostHog holds it, for adoption (docs/adopt.md).
// Pure: ActualState in, YAML text out. The same state gives the same bytes (everything sorted, no
// time stamp); short mappings and lists are written in flow style; what the matrix format cannot
// express is written as a comment naming it, never dropped silently. Secret values are never read.
import { Document, isMap, isSeq, Scalar, visit, YAMLMap, type Node } from 'yaml';
import type { ActualState, ActualSubjectRules } from '../model/actual.ts';
import { ACCESS_CONTROL_RESOURCES, orgLevelName } from '../model/levels.ts';
import { DEFAULT_MAX_DELETES } from '../model/desired.ts';
import { count } from '../util/english.ts';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = <T>(record: Record<string, T>): [string, T][] => Object.entries(record).sort(([a], [b]) => byName(a, b));
const KNOWN_RESOURCES = new Set<string>(ACCESS_CONTROL_RESOURCES);
/** Mappings and lists whose flow form fits in this many characters are written on one line. */
const FLOW_WIDTH = 80;

/** PostHog sends enforce_2fa as null until someone sets it: that is "off" (src/plan/kinds/org-settings.ts). */
function settingValue(key: string, value: unknown): boolean | undefined {
  if (key === 'enforce_2fa' && value === null) return false;
  return typeof value === 'boolean' ? value : undefined;
}

function rulesOf(rules: ActualSubjectRules<string>, defaultKey: 'access' | 'default'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rules.default) out[defaultKey] = rules.default.level;
  if (Object.keys(rules.teams).length) out.teams = Object.fromEntries(sorted(rules.teams).map(([t, r]) => [t, r.level]));
  if (Object.keys(rules.members).length) out.members = Object.fromEntries(sorted(rules.members).map(([e, r]) => [e, r.level]));
  return out;
}

export interface ExportResult {
  yaml: string;
  /** What the matrix cannot express, also written as comments in `yaml`. */
  unexpressed: string[];
}

export function exportMatrix(actual: ActualState): ExportResult {
  const unexpressed: string[] = [];
  const notes = new Map<string, string[]>(); // section → comment lines after it
  /** A comment after `section`: what the matrix cannot express, or (`remark`) something to know. */
  const note = (section: string, text: string, remark = false) => {
    if (!remark) unexpressed.push(text);
    notes.set(section, [...(notes.get(section) ?? []), remark ? `Note: ${text}` : `Not in the matrix: ${text}`]);
  };

  // organization
  const settings: Record<string, boolean> = {};
  for (const [key, value] of sorted(actual.organization.settings)) {
    const v = settingValue(key, value);
    if (v === undefined) note('organization', `settings.${key}: PostHog has no value for it (${JSON.stringify(value)}); add it to manage it`);
    else settings[key] = v;
  }
  const organization: Record<string, unknown> = { id: actual.organization.id };
  if (Object.keys(settings).length) organization.settings = settings;
  const domains = actual.domains ?? {};
  if (Object.keys(domains).length) {
    organization.domains = Object.fromEntries(sorted(domains).map(([name, d]) => [name, { jit_provisioning: d.jitProvisioning, sso_enforcement: d.ssoEnforcement }]));
  }
  for (const [name, d] of sorted(domains)) if (!d.isVerified) note('organization', `domain ${name} is not verified yet: plan lists the DNS record to publish`, true);
  const providers = identityProviders(actual, (text) => note('organization', text));
  if (Object.keys(providers).length) organization.identity_providers = providers;

  const defaultTeam = Object.values(actual.teams).find((t) => t.id === actual.organization.defaultRoleId);
  if (defaultTeam) organization.default_team = defaultTeam.name;

  // members, with pending invites (their project grants are written under projects)
  const members: Record<string, string> = {};
  const pending = new Set<string>();
  for (const [email, m] of sorted(actual.members)) members[email] = orgLevelName(m.level);
  for (const [email, invite] of sorted(actual.invites)) {
    if (actual.members[email]) continue;
    if (invite.isExpired) {
      note('members', `${email}: invite expired unanswered (sent ${invite.createdAt.slice(0, 10)}); add them here to invite them again`);
      continue;
    }
    members[email] = orgLevelName(invite.level);
    pending.add(email);
  }

  // teams: PostHog keeps one role per name ignoring case in its API, but SCIM may add look-alikes.
  const teams: Record<string, unknown> = {};
  const seenTeams = new Map<string, string>();
  const skippedTeams = new Set<string>();
  for (const [name, team] of sorted(actual.teams)) {
    const clash = seenTeams.get(name.toLowerCase());
    if (clash) {
      note('teams', `team "${name}" differs from "${clash}" only in case (made outside the API, e.g. by SCIM): the matrix cannot name both; its members and rules are left out`);
      skippedTeams.add(name);
      continue;
    }
    seenTeams.set(name.toLowerCase(), name);
    const list = Object.keys(team.members).sort();
    teams[name] = list.length ? { members: list } : {};
  }

  // projects
  const projects: Record<string, unknown> = {};
  for (const [name, project] of sorted(actual.projects)) {
    const withoutSkipped = <L extends string>(rules: ActualSubjectRules<L>): ActualSubjectRules<L> => ({
      ...rules, teams: Object.fromEntries(Object.entries(rules.teams).filter(([t]) => !skippedTeams.has(t))),
    });
    const entry: Record<string, unknown> = rulesOf(withoutSkipped(project), 'access');
    const invited: Record<string, string> = {};
    for (const email of [...pending].sort()) {
      const level = actual.invites[email]!.projects[name];
      if (level === undefined) continue;
      if (level === 'none') note(`projects`, `${name}: ${email}'s invite grants "none" on it, which the matrix leaves unsaid`);
      else invited[email] = level;
    }
    if (Object.keys(invited).length) entry.members = Object.fromEntries(sorted({ ...(entry.members as Record<string, string> | undefined), ...invited }));
    const resources: Record<string, unknown> = {};
    for (const [resource, rules] of sorted(project.resources)) {
      if (!KNOWN_RESOURCES.has(resource)) {
        note('projects', `${name}: rules on resource type "${resource}", which this version of posthog-access does not know`);
        continue;
      }
      const r = rulesOf(withoutSkipped(rules), 'default');
      if (Object.keys(r).length) resources[resource] = r;
    }
    if (Object.keys(resources).length) entry.resources = resources;
    const keys = project.secretKeys ?? {};
    if (Object.keys(keys).length) entry.secret_keys = Object.fromEntries(sorted(keys).map(([label, k]) => [label, { scopes: [...k.scopes].sort() }]));
    if (project.unresolvedRules) note('projects', `${name}: ${count(project.unresolvedRules, 'access rule')} ${project.unresolvedRules === 1 ? 'names' : 'name'} a member or team that is not in this organization`);
    projects[name] = entry;
  }

  const protectedPeople = actual.members[actual.me.email] ? [actual.me.email] : [];
  const doc = new Document({
    version: 1,
    organization,
    members,
    ...(Object.keys(teams).length && { teams }),
    ...(Object.keys(projects).length && { projects }),
    prune: { members: false, invites: false, teams: false, project_access: false, secret_keys: false },
    safety: { max_deletes: DEFAULT_MAX_DELETES, protected: protectedPeople },
  });
  layout(doc);

  const comment = (section: string, text: string) => {
    const pair = (doc.contents as YAMLMap).items.find((p) => (p.key as Scalar).value === section);
    if (pair) Object.assign(pair.key as Scalar, { commentBefore: text, spaceBefore: true });
  };
  comment('organization', ' The organization: its id, the access settings PostHog returns, SSO domains, identity providers\n (certificates and secrets stay in PostHog), the team new members join.');
  comment('members', ' Members by organization level (member, admin, owner); people with a pending invite are listed too.');
  comment('teams', ' Teams are PostHog roles, with their members.');
  comment('projects', ' Projects: `access` is the default for everyone, then team and member rules, rules per resource type,\n and secret keys (labels and scopes; values stay in PostHog).');
  comment('prune', ' Nothing is removed until you turn pruning on, section by section (docs/adopt.md).');
  comment('safety', ' Never removed or demoted by the tool.');
  for (const email of pending) {
    const members = (doc.contents as YAMLMap).get('members', true) as unknown as YAMLMap;
    const value = members.get(email, true) as Scalar;
    value.comment = ` pending invite, sent ${actual.invites[email]!.createdAt.slice(0, 10)}`;
  }
  // Notes go after their section, where a reader looks for the missing thing.
  const pairs = (doc.contents as YAMLMap).items;
  for (const [section, lines] of notes) {
    const index = pairs.findIndex((p) => (p.key as Scalar).value === section);
    const next = pairs[index + 1];
    const text = lines.map((l) => ` ${l}`).join('\n');
    if (next) {
      const key = next.key as Scalar;
      key.commentBefore = key.commentBefore ? `${text}\n\n${key.commentBefore}` : text;
    } else {
      doc.comment = doc.comment ? `${doc.comment}\n${text}` : text;
    }
  }
  const apiKeys = actual.key
    ? ` api_keys: personal API keys can be listed only by their owner in PostHog. Declare the ones your services use,\n for example the key this export ran with:\n api_keys:\n   ${actual.key.label.replace(/[^\w.-]+/g, '-') || 'service'}:\n     env: POSTHOG_PERSONAL_API_KEY\n     scopes: [${[...actual.key.scopes].sort().map((x) => JSON.stringify(x)).join(', ')}]`
    : ' api_keys: personal API keys can be listed only by their owner in PostHog; declare the ones your services use.';
  const prune = pairs.find((p) => (p.key as Scalar).value === 'prune')!.key as Scalar;
  prune.commentBefore = `${apiKeys}\n\n${prune.commentBefore}`;

  doc.commentBefore = ` Access matrix exported from PostHog organization "${actual.organization.name}" by posthog-access export.\n Check it with \`posthog-access validate\`; \`posthog-access plan\` against the same organization shows no changes.`;
  return { yaml: doc.toString({ lineWidth: 0 }), unexpressed };
}

/** Identity-provider configurations by name, with the non-secret settings PostHog returns. */
function identityProviders(actual: ActualState, note: (text: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const domainNames = new Map(Object.values(actual.domains ?? {}).map((d) => [d.id, d.domain]));
  const configs = [...(actual.identityProviders ?? [])].sort((a, b) => byName(a.name, b.name) || byName(a.id, b.id));
  for (const config of configs) {
    if (!config.name || out[config.name]) {
      note(`identity provider configuration ${config.name ? `"${config.name}" (id ${config.id}) shares its name with another` : `${config.id} has no name`}: the matrix names configurations, so this one is left out`);
      continue;
    }
    const entry: Record<string, unknown> = {};
    if (config.domainScope === 'all') entry.domains = 'all';
    else {
      const names = config.domainIds.map((id) => domainNames.get(id));
      if (names.some((n) => n === undefined)) note(`identity provider configuration "${config.name}" covers a domain that is not in this organization's domain list`);
      entry.domains = names.filter((n): n is string => n !== undefined).sort();
    }
    const saml = config.samlEntityId && config.samlAcsUrl ? { entity_id: config.samlEntityId, acs_url: config.samlAcsUrl } : undefined;
    const oidc = config.oidcIssuerUrl && config.oidcClientId ? { issuer_url: config.oidcIssuerUrl, client_id: config.oidcClientId } : undefined;
    if (saml) entry.saml = saml;
    if (oidc && saml) note(`identity provider configuration "${config.name}" has both SAML and OIDC settings; the matrix holds one protocol per configuration, so its OIDC settings are left out`);
    else if (oidc) entry.oidc = oidc;
    if (config.scimEnabled !== undefined) entry.scim = config.scimEnabled;
    out[config.name] = entry;
  }
  return out;
}

/** Top-level sections and their direct entries stay in block style; anything short inside is one line. */
function layout(doc: Document): void {
  visit(doc, {
    Map(_key, node, path) { flowIfShort(node, path.length); },
    Seq(_key, node, path) { flowIfShort(node, path.length); },
  });
}

function flowIfShort(node: Node, depth: number): void {
  if (!isMap(node) && !isSeq(node)) return;
  // path: Document, the root map, a section pair, the section map, an entry pair, ...
  if (depth < 4) return;
  node.flow = true;
  if (String(new Document(node)).trim().length > FLOW_WIDTH) node.flow = false;
}
