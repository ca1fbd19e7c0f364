// The plan as JSON (docs/plan-json.md): the Plan itself, keys in the order its types declare them,
// so two runs over the same state give byte-identical output whatever order the code built it in.
import { isArrayIndex } from '../../util/array-index.ts';
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

/**
 * The keys in the order they are written: array indexes first, by number, as an object holds them
 * whatever the order they were put in (so JSON.stringify of an ordered copy wrote them: a project
 * named "10" before one named "9", both before "Alpha"); then the shape's keys in its order, then
 * the others sorted.
 */
function keysOf(source: Record<string, unknown>, shape: Shape): string[] {
  const keys = Object.keys(source);
  // Object.keys lists an object's array indexes first, by number.
  let indexes = 0;
  while (indexes < keys.length && isArrayIndex(keys[indexes]!)) indexes++;
  const named = indexes ? keys.slice(indexes) : keys;
  let ordered: string[];
  if (!shape.order.length) {
    ordered = named.sort();
  } else {
    const known = shape.order.filter((k) => Object.hasOwn(source, k));
    ordered = known.length === named.length ? known : [...known, ...named.filter((k) => !shape.order.includes(k)).sort()];
  }
  return indexes ? [...keys.slice(0, indexes), ...ordered] : ordered;
}

/** As JSON.stringify leaves out: a key whose value is undefined, a function or a symbol (in a list, null). */
const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/**
 * `value` as `JSON.stringify(value, null, 2)` writes it where it sits (`indent`), with the keys in
 * `shape`'s order: one pass, with no ordered copy of the value and no second pass to indent it.
 */
function stringify(value: unknown, shape: Shape, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    const items = shape.items ?? SORTED;
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out += `${i ? ',' : ''}\n${inner}${omitted(item) ? 'null' : stringify(item, items, inner)}`;
    }
    return `${out}\n${indent}]`;
  }
  const source = value as Record<string, unknown>;
  let out = '';
  for (const key of keysOf(source, shape)) {
    const v = source[key];
    if (omitted(v)) continue;
    out += `${out ? ',' : '{'}\n${inner}${JSON.stringify(key)}: ${stringify(v, shape.children?.[key] ?? SORTED, inner)}`;
  }
  return out ? `${out}\n${indent}}` : '{}';
}

/** Characters gathered before a piece of the JSON is handed on. */
const CHUNK = 1 << 16;

/**
 * The plan as JSON in pieces of about 64 KB, the same characters as `renderJson`: the plan, its
 * organizations and their lists are written part by part, each change or access entry ordered and
 * stringified on its own, so a plan of 100,000 places is never held whole as one string or as an
 * ordered copy. `at`: where the plan sits in a larger document (its indent, and what follows it).
 */
export function* renderJsonChunks(plan: Plan, at: { indent: string; last: string } = { indent: '', last: '\n' }): Generator<string> {
  let pending = '';
  function* write(value: unknown, shape: Shape, indent: string, depth: number): Generator<string> {
    const inner = `${indent}  `;
    if (Array.isArray(value) && value.length && depth <= 3) {
      pending += '[';
      for (let i = 0; i < value.length; i++) {
        pending += `${i ? ',' : ''}\n${inner}`;
        const item: unknown = value[i];
        yield* write(omitted(item) ? null : item, shape.items ?? SORTED, inner, depth + 1);
      }
      pending += `\n${indent}]`;
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth <= 2) {
      const source = value as Record<string, unknown>;
      const keys = keysOf(source, shape).filter((k) => !omitted(source[k]));
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
      pending += stringify(value, shape, indent);
    }
    if (pending.length >= CHUNK) {
      yield pending;
      pending = '';
    }
  }
  yield* write(plan, PLAN, at.indent, 0);
  yield `${pending}${at.last}`;
}

/** The plan as one JSON string (renderJsonChunks writes it in pieces). */
export function renderJson(plan: Plan): string {
  return [...renderJsonChunks(plan)].join('');
}
