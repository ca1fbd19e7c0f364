// The plan as JSON (docs/plan-json.md): the Plan itself, keys in the order its types declare them,
// so two runs over the same state give byte-identical output whatever order the code built it in.
import type { Plan } from '../types.ts';

type Shape = { order: readonly string[]; children?: Record<string, Shape>; items?: Shape };

// Free-form maps (subjects, before/after values, fingerprint sections) have no declared order:
// their keys are sorted. Keys unknown to this version (added later) follow the known ones, sorted.
const SORTED: Shape = { order: [] };

const CHANGE: Shape = {
  order: ['id', 'kind', 'action', 'key', 'subject', 'before', 'after', 'patch', 'cascade', 'reason', 'note', 'expires', 'then', 'temporaryProjects', 'destructive', 'dependsOn'],
  children: {
    subject: SORTED,
    before: SORTED,
    after: SORTED,
    patch: { order: [], items: { order: ['op', 'path', 'from', 'value'], children: { value: SORTED } } },
  },
};

const ORGANIZATION: Shape = {
  order: [
    'host',
    'organization',
    'resolutionSwitch',
    'matrix',
    'validUntil',
    'fingerprint',
    'read',
    'safety',
    'changes',
    'access',
    'notices',
    'manualSteps',
    'refusals',
    'summary',
  ],
  children: {
    organization: { order: ['id', 'name', 'resolution'] },
    resolutionSwitch: {
      order: ['from', 'to', 'changes', 'posthog'],
      children: {
        changes: { order: [], items: { order: ['email', 'project', 'resource', 'direction', 'from', 'to'], children: { from: { order: ['level', 'source'] }, to: { order: ['level', 'source'] } } } },
        posthog: { order: ['compared', 'reason', 'onlyModel', 'onlyPostHog', 'objectRecords'] },
      },
    },
    matrix: { order: ['file', 'sha256'] },
    fingerprint: { order: ['digest', 'sections'], children: { sections: SORTED } },
    read: { order: ['organization', 'projects', 'secretKeys', 'domains'] },
    safety: { order: ['maxDeletes', 'protected'] },
    changes: { order: [], items: CHANGE },
    access: { order: [], items: { order: ['email', 'direction', 'before', 'after', 'because', 'places'], children: { before: { order: ['level', 'source'] }, after: { order: ['level', 'source'] }, places: { order: [], items: { order: ['project', 'resource'] } } } } },
    notices: { order: [], items: { order: ['level', 'code', 'message', 'key'] } },
    manualSteps: { order: [], items: { order: ['key', 'message'] } },
    refusals: { order: [], items: { order: ['guard', 'message', 'changeIds'] } },
    summary: { order: ['create', 'update', 'delete', 'destructive'] },
  },
};

const PLAN: Shape = {
  order: ['formatVersion', 'tool', 'createdAt', 'at', 'validUntil', 'organizations', 'summary', 'checksum'],
  children: {
    tool: { order: ['name', 'version'] },
    organizations: { order: [], items: ORGANIZATION },
    summary: { order: ['create', 'update', 'delete', 'destructive'] },
  },
};

function ordered(value: unknown, shape: Shape): unknown {
  if (Array.isArray(value)) return value.map((item) => ordered(item, shape.items ?? SORTED));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const known = shape.order.filter((k) => Object.hasOwn(source, k));
  const rest = Object.keys(source)
    .filter((k) => !shape.order.includes(k))
    .sort();
  const result: Record<string, unknown> = {};
  for (const key of [...known, ...rest]) {
    result[key] = ordered(source[key], shape.children?.[key] ?? SORTED);
  }
  return result;
}

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(ordered(plan, PLAN), null, 2)}\n`;
}
