// `--verify`: the model's answer against PostHog's own effective access (access_control_members,
// docs/access.md#verify). Reads one list per project; compares only what PostHog resolves.
import { projectAccess, resourceAccess, type AccessView } from '../access/effective.ts';
import { ApiError } from '../errors.ts';
import type { ClosablePostHogApi } from '../posthog/api.ts';
import { count } from '../util/english.ts';
import { append } from '../util/append.ts';
import { escapeMarkdown } from '../util/markdown.ts';

interface EntryResponse {
  access_level: string | null;
  effective_access_level: string | null;
}

/** PostHog's answer per member for one project (GET /api/projects/{id}/access_control_members/). */
export interface EffectiveMembersResponse {
  results: {
    organization_membership_id: string;
    user: { email: string };
    organization_level: number;
    project: EntryResponse;
    resources: Record<string, EntryResponse>;
  }[];
}

export interface Difference {
  project: string;
  email: string;
  /** Absent for the project level itself. */
  resource?: string;
  model: string;
  posthog: string;
}

export interface Verification {
  /** False when PostHog does not serve effective access (an older version: 404): nothing compared. */
  served: boolean;
  compared: number;
  differences: Difference[];
}

/** Compare one project's answer with the model; pure. */
export function compareProject(view: AccessView, project: string, answer: EffectiveMembersResponse, only?: { email?: string; resource?: string }): { compared: number; differences: Difference[] } {
  const differences: Difference[] = [];
  let compared = 0;
  for (const row of answer.results) {
    const email = row.user.email.toLowerCase();
    if (only?.email && email !== only.email) continue;
    if (!view.people[email]) continue;
    if (!only?.resource && row.project.effective_access_level !== null) {
      compared++;
      const model = projectAccess(view, email, project).level;
      if (model !== row.project.effective_access_level) differences.push({ project, email, model, posthog: row.project.effective_access_level });
    }
    for (const [resource, entry] of Object.entries(row.resources ?? {})) {
      if (entry.effective_access_level === null || (only?.resource && resource !== only.resource)) continue;
      compared++;
      const model = resourceAccess(view, email, project, resource).level;
      if (model !== entry.effective_access_level) differences.push({ project, email, resource, model, posthog: entry.effective_access_level });
    }
  }
  return { compared, differences };
}

/** Ask PostHog for the projects' effective access and compare (one call per project). */
export async function verify(
  api: ClosablePostHogApi, view: AccessView, projects: { name: string; id: number }[], only?: { email?: string; membershipId?: string; resource?: string },
): Promise<Verification> {
  const out: Verification = { served: true, compared: 0, differences: [] };
  for (const p of projects) {
    let answer: EffectiveMembersResponse;
    try {
      answer = await api.client.get<EffectiveMembersResponse>(`/api/projects/${p.id}/access_control_members/`, only?.membershipId ? { member_id: only.membershipId } : undefined);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return { served: false, compared: 0, differences: [] };
      throw e;
    }
    const { compared, differences } = compareProject(view, p.name, answer, only);
    out.compared += compared;
    append(out.differences, differences);
  }
  return out;
}

export function verificationText(v: Verification): string {
  return verification(v, (d) => `  ${difference(d)}`);
}

/** The same as Markdown: one list item per difference, names escaped. */
export function verificationMarkdown(v: Verification): string {
  return `\n${verification(v, (d) => `- ${escapeMarkdown(difference(d))}`)}`;
}

const difference = (d: Verification['differences'][number]) =>
  `${d.email} on ${d.project}${d.resource ? ` / ${d.resource}` : ''}: PostHog enforces ${d.posthog}, the model says ${d.model}`;

function verification(v: Verification, line: (d: Verification['differences'][number]) => string): string {
  if (!v.served) return 'Verify: PostHog does not serve effective access here (access_control_members answered 404), so there is nothing to compare.\n';
  if (!v.differences.length) return `Verify: PostHog agrees on ${v.compared === 1 ? 'the one level' : `all ${v.compared} levels`} compared.\n`;
  return `Verify: PostHog differs on ${v.differences.length} of ${count(v.compared, 'level')} compared:\n${v.differences.map(line).join('\n')}\n`;
}
