// Counts that read as English: "1 member", "3 projects", "2 team memberships".

/** `n` and the noun, singular for exactly one. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What each kind of change is called in a sentence: [one, many]. */
const KIND_NOUNS: Record<string, [string, string]> = {
  project: ['project', 'projects'],
  team: ['team', 'teams'],
  org_settings: ['organization setting', 'organization settings'],
  domain: ['domain', 'domains'],
  invite: ['invite', 'invites'],
  member: ['member', 'members'],
  team_member: ['team membership', 'team memberships'],
  project_access: ['project access rule', 'project access rules'],
  resource_access: ['resource access rule', 'resource access rules'],
  secret_key: ['secret key', 'secret keys'],
};

/** `3 projects`, `1 team membership`: a count of things of a kind of change. */
export function countOfKind(n: number, kind: string): string {
  const [one, many] = KIND_NOUNS[kind] ?? [kind.replace(/_/g, ' '), `${kind.replace(/_/g, ' ')}s`];
  return count(n, one, many);
}
