// Offboarding: what people created that others rely on, per project the key can read: feature
// flags, dashboards and insights with their `created_by` (GET /api/projects/{id}/feature_flags/,
// …/dashboards/, …/insights/; scopes feature_flag:read, dashboard:read, insight:read). Three list
// calls per project (one more per further 1,000 objects), made only when a plan removes a member
// or `explain --offboarding` asks (docs/cli.md, "Offboarding"). A list PostHog refuses (a scope the
// key lacks, a project it cannot reach, no licence) is recorded in `unread`, never an error.
import { ApiError } from '../errors.ts';
import type { ActualState, CreatedKind, CreatedObject, CreatedRead } from '../model/actual.ts';
import type { ClosablePostHogApi } from '../posthog/api.ts';
import { LIST_PAGE_SIZE } from '../posthog/api.ts';
import { mapLimit } from '../util/concurrency.ts';
import { READ_CONCURRENCY } from './fetch.ts';

interface Listed {
  id: number;
  key?: string;
  name?: string | null;
  short_id?: string;
  saved?: boolean;
  dashboards?: unknown[];
  created_by?: { uuid?: string } | null;
}

const PATHS: Record<CreatedKind, string> = { feature_flag: 'feature_flags', dashboard: 'dashboards', insight: 'insights' };
export const CREATED_KINDS: readonly CreatedKind[] = ['feature_flag', 'dashboard', 'insight'];

function describe(kind: CreatedKind, item: Listed): { name: string; shared: boolean } {
  if (kind === 'feature_flag') return { name: item.key ?? String(item.id), shared: true };
  if (kind === 'dashboard') return { name: item.name || `dashboard ${item.id}`, shared: true };
  // An insight others see is saved or on a dashboard; the rest is its creator's private work.
  return { name: item.name || item.short_id || `insight ${item.id}`, shared: item.saved === true || (item.dashboards?.length ?? 0) > 0 };
}

/**
 * Read what `emails` (members of `actual`) created, in every project of the organization (one list
 * per call, READ_CONCURRENCY at once); sets `actual.created`. Once `stop` is aborted no further list
 * is asked for (the plan it was for failed).
 */
export async function readCreated(api: ClosablePostHogApi, actual: ActualState, emails: readonly string[], options: { concurrency?: number; stop?: AbortSignal } = {}): Promise<CreatedRead> {
  const concurrency = options.concurrency ?? READ_CONCURRENCY;
  const byUuid = new Map(emails.flatMap((e) => {
    const member = actual.members[e.toLowerCase()];
    return member ? [[member.userUuid, member.email] as const] : [];
  }));
  const out: CreatedRead = { byEmail: Object.fromEntries(emails.map((e) => [e.toLowerCase(), [] as CreatedObject[]])), unread: [], projects: 0 };
  const projects = Object.values(actual.projects).sort((a, b) => a.name.localeCompare(b.name));
  if (byUuid.size) {
    const reads = projects.flatMap((p) => CREATED_KINDS.map((kind) => ({ p, kind })));
    const lists = await mapLimit(reads, concurrency, async ({ p, kind }) => {
      try {
        return await api.client.paginate<Listed>(`/api/projects/${p.id}/${PATHS[kind]}/`, { limit: LIST_PAGE_SIZE });
      } catch (e) {
        if (e instanceof ApiError && [402, 403, 404].includes(e.status)) {
          out.unread.push({ project: p.name, kind, reason: `${e.status}: ${e.message}` });
          return [];
        }
        throw e;
      }
    }, options.stop);
    out.projects = projects.length;
    lists.forEach((items, i) => {
      const { p, kind } = reads[i]!;
      for (const item of items) {
        const email = item.created_by?.uuid ? byUuid.get(item.created_by.uuid) : undefined;
        if (email) out.byEmail[email]!.push({ kind, project: p.name, id: item.id, ...describe(kind, item) });
      }
    });
  }
  out.unread.sort((a, b) => a.project.localeCompare(b.project) || CREATED_KINDS.indexOf(a.kind) - CREATED_KINDS.indexOf(b.kind));
  actual.created = out;
  return out;
}
