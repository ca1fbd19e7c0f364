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
  const result: Record<string, unknown> = {};
  for (const key of keysOf(source, shape)) {
    result[key] = ordered(source[key], shape.children?.[key] ?? SORTED);
  }
  return result;
}

function keysOf(source: Record<string, unknown>, shape: Shape): string[] {
  const known = shape.order.filter((k) => Object.hasOwn(source, k));
  const rest = Object.keys(source)
    .filter((k) => !shape.order.includes(k))
    .sort();
  return [...known, ...rest];
}

/** Characters gathered before a piece of the JSON is handed on. */
const CHUNK = 1 << 16;

/**
 * The plan as JSON in pieces of about 64 KB, the same characters as `renderJson`: the plan, its
 * organizations and their lists are written part by part, each change or access entry ordered and
 * stringified on its own, so a plan of 100,000 places is never held whole as one string or as an
 * ordered copy.
 */
export function* renderJsonChunks(plan: Plan): Generator<string> {
  let pending = '';
  function* write(value: unknown, shape: Shape, indent: string, depth: number): Generator<string> {
    const inner = `${indent}  `;
    if (Array.isArray(value) && value.length && depth <= 3) {
      pending += '[';
      for (let i = 0; i < value.length; i++) {
        pending += `${i ? ',' : ''}\n${inner}`;
        // As JSON.stringify: undefined or a function in a list is null.
        const item: unknown = value[i];
        yield* write(item === undefined || typeof item === 'function' ? null : item, shape.items ?? SORTED, inner, depth + 1);
      }
      pending += `\n${indent}]`;
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth <= 2) {
      const source = value as Record<string, unknown>;
      // As JSON.stringify: a key whose value is undefined, a function or a symbol is left out.
      const keys = keysOf(source, shape).filter((k) => source[k] !== undefined && typeof source[k] !== 'function' && typeof source[k] !== 'symbol');
      if (!keys.length) {
        pending += '{}';
        return;
      }
      pending += '{';
      for (let i = 0; i < keys.length; i++) {
        pending += `${i ? ',' : ''}\n${inner}${JSON.stringify(keys[i])}: `;
        yield* write(source[keys[i]!], shape.children?.[keys[i]!] ?? SORTED, inner, depth + 1);
      }
      pending += `\n${indent}}`;
    } else {
      // JSON.stringify's own layout (two spaces), moved in to where the value sits: a JSON string holds no raw newline.
      pending += JSON.stringify(ordered(value, shape), null, 2).replaceAll('\n', `\n${indent}`);
    }
    if (pending.length >= CHUNK) {
      yield pending;
      pending = '';
    }
  }
  yield* write(plan, PLAN, '', 0);
  yield `${pending}\n`;
}

/** The plan as one JSON string (renderJsonChunks writes it in pieces). */
export function renderJson(plan: Plan): string {
  return [...renderJsonChunks(plan)].join('');
}
