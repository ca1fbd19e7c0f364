// Projects: created when the matrix names one that does not exist; never deleted by the tool.
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
  actual: (ctx) => Object.values(ctx.actual.projects).map((p) => ({ subject: { project: p.name }, value: { name: p.name } })),
});
