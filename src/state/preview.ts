// PostHog's own preview of the switch to most-specific access resolution (one read, hidden from
// PostHog's published schema), for `plan --resolution most-specific` to hold its model against.
// Any project of the organization selects the organization; PostHog answers only organization
// admins whose key may read access rules.
import { ApiError } from '../errors.ts';
import type { ActualState } from '../model/actual.ts';
import { ORG_LEVELS } from '../model/levels.ts';
import type { PreviewRead } from '../plan/resolution.ts';
import { missingScopes } from '../plan/scopes.ts';
import type { PostHogApi } from '../posthog/types.ts';

export async function readResolutionPreview(api: Pick<PostHogApi, 'resolutionPreview'>, actual: ActualState): Promise<PreviewRead> {
  if (actual.organization.membershipLevel < ORG_LEVELS.admin) return { unavailable: 'PostHog shows it to organization admins only, and the key\'s user is not one' };
  if (actual.key && missingScopes(actual.key.scopes, ['access_control:read']).length) return { unavailable: 'the running key lacks access_control:read' };
  const project = Object.values(actual.projects).sort((a, b) => a.id - b.id)[0];
  if (!project) return { unavailable: 'the organization has no project to ask through' };
  try {
    return { preview: await api.resolutionPreview(project.id) };
  } catch (e) {
    if (e instanceof ApiError) return { unavailable: `PostHog did not answer it (${e.message})` };
    throw e;
  }
}
