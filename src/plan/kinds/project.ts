// Projects: created when the matrix names one that does not exist, renamed when PostHog spells the
// name differently only in case or spaces; never deleted by the tool.
import { z } from 'zod';
import { defineKind } from '../kind.ts';

export const projectShape = {
  value: z.object({ name: z.string() }),
  subject: z.object({ project: z.string() }),
};

export const projectKind = defineKind({
  kind: 'project',
  shape: projectShape,
  key: (s) => s.project,
  scope: 'project:write',
  section: 'Projects',
  label: 'project',
  // Keyed by name, not listed in API order: the same state hashes the same however it is paged.
  fingerprint: (actual) => ({ projects: Object.fromEntries(Object.values(actual.projects).map(({ id, name }) => [name, id])) }),
  desired: (ctx) => Object.keys(ctx.desired.projects).map((name) => ({ subject: { project: name }, value: { name } })),
  // Known by the matrix's spelling when PostHog's name differs only in case or surrounding spaces
  // (PostHog takes them for one name): that difference is a rename, never a second project.
  actual: (ctx) => Object.values(ctx.actual.projects).map((p) => ({ subject: { project: p.name }, value: { name: p.posthogName ?? p.name } })),
});
