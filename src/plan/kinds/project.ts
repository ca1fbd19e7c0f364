// Projects: created when the matrix names one that does not exist; never deleted by the tool.
import type { Kind } from '../kind.ts';

export const projectKind: Kind = {
  kind: 'project',
  desired: (ctx) => Object.keys(ctx.desired.projects).map((name) => ({ key: name, value: { name } })),
  actual: (ctx) => Object.values(ctx.actual.projects).map((p) => ({ key: p.name, value: { name: p.name } })),
  async create(change, env) {
    const project = await env.api.createProject(env.orgId, change.key);
    env.created.projects.set(change.key, project.id);
  },
};
