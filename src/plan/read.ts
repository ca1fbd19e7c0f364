// Reading a saved plan: the one place where untyped data becomes a Plan. Every field is checked
// with zod against the shapes the kinds declare (a change's value and subject), every key against
// the one its subject builds, and the checksum against the content.
import { z } from 'zod';
import type { Kind } from './kind.ts';
import { planChecksum } from './fingerprint.ts';
import { KINDS } from './registry.ts';
import { PLAN_FORMAT_VERSION, type Change, type ChangeKind, type OrganizationPlan, type Plan } from './types.ts';

const operation = z.object({
  op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
  path: z.string(),
  from: z.string().optional(),
  value: z.unknown().optional(),
});

const temporary = z.object({ expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(), then: z.string().nullable().optional() });

function changeSchema<K extends ChangeKind>(kind: Kind<K>) {
  const value = kind.shape.value;
  const base = {
    id: z.string(), kind: z.literal(kind.kind), key: z.string(), subject: kind.shape.subject,
    reason: z.string(), note: z.string().optional(), ...temporary.shape,
    temporaryProjects: z.record(z.string(), temporary.required()).optional(), destructive: z.boolean(), dependsOn: z.array(z.string()),
  };
  return z.discriminatedUnion('action', [
    z.strictObject({ ...base, action: z.literal('create'), after: value }),
    z.strictObject({ ...base, action: z.literal('update'), before: value, after: value, patch: z.array(operation) }),
    z.strictObject({ ...base, action: z.literal('delete'), before: value, cascade: z.number().int().nonnegative().optional() }),
  ]).superRefine((change, ctx) => {
    const key = kind.key(change.subject);
    if (change.key !== key || change.id !== `${kind.kind}:${key}`) ctx.addIssue({ code: 'custom', message: `${change.id}: its key and id do not match its subject (${kind.kind}:${key})` });
  });
}

const CHANGES = new Map<string, ReturnType<typeof changeSchema>>(KINDS.map((kind) => [kind.kind, changeSchema(kind)]));

/** One change, checked against its kind's shapes as a saved plan's changes are (tests build theirs this way too). */
export function parseChange(data: unknown): Change {
  const kind = z.object({ kind: z.string() }).safeParse(data);
  const schema = kind.success ? CHANGES.get(kind.data.kind) : undefined;
  if (!schema) throw new PlanFormatError(`a change of an unknown kind (${kind.success ? kind.data.kind : 'none'}): known are ${[...CHANGES.keys()].join(', ')}`);
  const result = schema.safeParse(data);
  if (!result.success) throw new PlanFormatError(`a change is not valid: ${result.error.issues.map((i) => `${i.path.join('.') || 'change'}: ${i.message}`).join('; ')}`);
  // zod checked it against its kind's own shapes.
  return result.data as Change;
}

const shownLevel = z.object({ level: z.string(), source: z.string() }).nullable();
const accessOutcome = {
  email: z.string(), direction: z.enum(['gains', 'loses']), before: shownLevel, after: shownLevel, because: z.array(z.string()),
};
/**
 * An entry of "who gains or loses what" (docs/plan-json.md `access`): grouped, with its `places`;
 * or as plans saved before the grouping said it, one entry per place (`project`, `resource`), read
 * as a group of that one place. It is shown, never applied, so both forms read.
 */
const accessChange = z.union([
  z.object({ ...accessOutcome, places: z.array(z.object({ project: z.string(), resource: z.string().optional() })) }),
  z.object({ ...accessOutcome, project: z.string().optional(), resource: z.string().optional() }).transform(({ project, resource, ...rest }) => ({
    ...rest, places: project === undefined ? [] : [resource === undefined ? { project } : { project, resource }],
  })),
]);

const refusal = z.object({ guard: z.string(), message: z.string(), changeIds: z.array(z.string()) });
const counts = z.object({ create: z.number(), update: z.number(), delete: z.number(), destructive: z.number() });

const organizationSchema = z.object({
  host: z.string(),
  organization: z.object({ id: z.string(), name: z.string(), resolution: z.enum(['legacy', 'most_specific']).optional() }),
  resolutionSwitch: z.object({
    from: z.enum(['legacy', 'most_specific']),
    to: z.enum(['legacy', 'most_specific']),
    changes: z.array(z.object({
      email: z.string(), project: z.string(), resource: z.string().optional(), direction: z.enum(['gains', 'loses']),
      from: z.object({ level: z.string(), source: z.string() }), to: z.object({ level: z.string(), source: z.string() }),
    })),
    posthog: z.union([
      z.object({ compared: z.literal(true), onlyModel: z.array(z.string()), onlyPostHog: z.array(z.string()), objectRecords: z.number() }),
      z.object({ compared: z.literal(false), reason: z.string() }),
    ]),
  }).optional(),
  matrix: z.object({ file: z.string(), sha256: z.string() }),
  validUntil: z.string().nullable(),
  fingerprint: z.object({ digest: z.string(), sections: z.record(z.string(), z.string()) }),
  read: z.object({ organization: z.string(), projects: z.array(z.string()), secretKeys: z.array(z.string()), domains: z.boolean() }),
  safety: z.object({ maxDeletes: z.number().int().nonnegative(), protected: z.array(z.string()) }),
  changes: z.array(z.unknown()),
  access: z.array(accessChange).optional(),
  notices: z.array(z.object({ level: z.enum(['info', 'warning']), code: z.string(), message: z.string(), key: z.string().optional() })),
  manualSteps: z.array(z.object({ key: z.string(), message: z.string() })),
  refusals: z.array(refusal),
  summary: counts,
});

const planSchema = z.object({
  formatVersion: z.literal(PLAN_FORMAT_VERSION),
  tool: z.object({ name: z.literal('posthog-access'), version: z.string() }),
  createdAt: z.string(),
  at: z.string(),
  validUntil: z.string().nullable(),
  organizations: z.array(organizationSchema).min(1),
  summary: counts,
  checksum: z.string(),
});

export class PlanFormatError extends Error {
  override name = 'PlanFormatError';
}

/**
 * Plans this version cannot read, said plainly: format version 1, and version 2 from before it
 * listed organizations (one organization at the top level). Their checksums cover other fields,
 * so they are not converted: planning again takes one command.
 */
function olderFormat(data: unknown): string | undefined {
  const seen = z.object({ formatVersion: z.number(), tool: z.object({ name: z.literal('posthog-access'), version: z.string() }).optional() }).passthrough().safeParse(data);
  if (!seen.success) return undefined;
  const { formatVersion, tool } = seen.data;
  const by = tool ? `posthog-access ${tool.version}` : 'an earlier posthog-access';
  if (formatVersion === PLAN_FORMAT_VERSION && 'organizations' in seen.data) return undefined;
  if (formatVersion === PLAN_FORMAT_VERSION && 'changes' in seen.data) {
    return `a plan made by ${by} in the earlier form of format version 2 (one organization, no \`organizations\` list), which this version does not apply: run \`posthog-access plan --out\` again with this version`;
  }
  if (formatVersion < PLAN_FORMAT_VERSION) return `a plan of format version ${formatVersion}, made by ${by}; this version reads format version ${PLAN_FORMAT_VERSION} (docs/plan-json.md): run \`posthog-access plan --out\` again with this version`;
  if (formatVersion > PLAN_FORMAT_VERSION) return `a plan of format version ${formatVersion}, made by ${by}, newer than this version reads (${PLAN_FORMAT_VERSION}): apply it with that version, or run \`posthog-access plan --out\` again with this one`;
  return undefined;
}

/** The plan in `data` (parsed JSON), or a PlanFormatError saying what is wrong with it. */
export function parsePlan(data: unknown): Plan {
  const older = olderFormat(data);
  if (older) throw new PlanFormatError(older);
  const result = planSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new PlanFormatError(`not a posthog-access plan of format version ${PLAN_FORMAT_VERSION}${where}: ${issue?.message ?? 'invalid'}`);
  }
  let organizations: OrganizationPlan[];
  try {
    organizations = result.data.organizations.map((o) => ({ ...o, changes: o.changes.map(parseChange) }));
  } catch (e) {
    throw new PlanFormatError(`not a posthog-access plan of format version ${PLAN_FORMAT_VERSION}: ${(e as Error).message}`);
  }
  const plan: Plan = { ...result.data, organizations };
  const { checksum, ...content } = plan;
  if (checksum !== planChecksum(content)) throw new PlanFormatError('it was changed after it was made (its checksum does not match)');
  return plan;
}
