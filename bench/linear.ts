// Growth of each stage, in one process: the same stage at size n and 4n, timed as the fastest of
// repeated samples after a warm-up. A linear stage takes about 4× as long at 4n; a quadratic one 16×.
// Time is the process's CPU time (all its threads, the garbage collector's included), not wall
// time: on a shared machine, waiting for a core would otherwise count as work.
// What makes the comparison fair (each measured, see bench/RESULTS.md and the report of the run):
// - a full garbage collection before each stage, so that garbage an earlier stage left is not
//   collected on this one's time (the stage's own garbage is: it is part of its cost);
// - the samples at n and at 4n alternate (n, 4n, n, 4n, …), so that a burst of other work on the
//   machine lands on both sizes rather than on one size's block of runs;
// - a sample goes through the same amount of data at both sizes: the stage 4k times at n, k times
//   at 4n, k chosen so that a sample at 4n lasts at least 200 ms (judged on the fastest of three
//   runs). Both sizes then allocate as much per sample and meet as many collections. With the same
//   count at both sizes (as before), a sample at n could be one 10 ms run that no collection fell
//   in, and its fastest was compared with 4n's that always hold theirs: diff by changes measured
//   10.9 ms fastest (16.0 median) at n, 77.9 at 4n, 7.2×; with equal data 12.1 (12.6) and 64.4, 5.3×;
// - the ratio is of the fastest samples: other work only ever adds time.
// What it does not remove: a larger working set is slower per item on this machine, for every
// kind of pass. Each dimension times plain passes, the baselines (JSON of the state read and of
// the matrix; a loop over the matrix's people looking each up in the state read, and the same loop
// over two Maps), as a reference for the stages' ratios; they are not stages and are not held to
// the target. On 2 cores of an AMD EPYC (1 MiB L2 per core, 32 MiB L3 shared with other machines)
// they came out 4.0–9.4× at 4n, and larger sizes do not bring them to 4: at 1×, 2×, 4× and 8× the
// n below (BENCH_LINEAR_SCALE), JSON by changes 4.9, 4.9, 4.4, 4.9; the people loop by changes
// 6.8, 6.0, 5.6, 5.5; JSON by rules 4.4, 4.0, 5.1, 4.9; the people loop by rules 5.4, 5.1, 5.8,
// 5.9 (one run each, load average 2.6–3.1). All stages at 2× n: as many over 4.5 as at 1× (15 of
// 23), in 3.1 minutes. Nor does the collector's setting help: diff by changes grew 5.4× with V8's
// defaults, 5.7× with a 64 MB young generation, 7.1× with the CLI's own (GC_FLAGS in
// src/cli/main.ts: the young generation kept at its first size, the heap grown by 30 %). Part of
// it is V8's: an object with more than about 1,020 keys (the model's members, invites, teams and
// rules keyed by name) is a hash table, whose keys V8 sorts into insertion order at each
// Object.keys, Object.entries, for…in and JSON.stringify: 48 ns a key at 4,000 keys, 117 at 16,000
// (a Map's keys: 3 ns at both). Identical runs differ by up to ~0.5 in a ratio around 4–6 (diff
// by rules: 5.2, 5.7 and 5.0 in three runs in a minute), and by more at larger ratios (the machine
// alone at 64,000 keys: 10.0 to 14.0). The Map loop alone, over made-up addresses ("machine
// alone", at the end), has no object of ours in it and still grows 5.4–14× from n to 4n at every
// n from 4,000 to 250,000 (3.6–4.4 at 1,000; the runs of 2026-11-30). It only looks keys up, the
// pass that suffers most from a larger working set (its keys and tables, most likely outgrowing
// the caches: not measured here, this machine exposes no hardware counters); stages that do more
// per key can stay under 4.5 (fetch and render JSON by changes did), but on this machine no loop
// that only looks keys up in a table, however it is built, stays under 4.5 at these sizes.
// - n is large enough that the objects keyed by people and teams hold over 1,020 keys at n already:
//   V8 keeps an object's properties in a fast layout up to about that many and in a hash table past
//   it, so a size that crossed that line between n and 4n measured V8's switch (a plain loop over
//   500 people grew 35× at 2,000), not the stage. Projects stay under it at both sizes.
// A stage that throws (at 4n, say) is reported as failed, and the others are still measured.
// Run by bench/run.ts (node bench/linear.ts [runs] [dimension] [stage]); prints one JSON line per
// stage, then one per size of the machine alone (dimension "machine alone").
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { stringify } from 'yaml';
import { parseMatrix } from '../src/matrix/load.ts';
import type { DesiredState } from '../src/model/desired.ts';
import type { ActualState } from '../src/model/actual.ts';
import type { AccessControlRule, MemberResponse, PostHogApi, ProjectResponse, RoleResponse } from '../src/posthog/types.ts';
import { fetchActual } from '../src/state/fetch.ts';
import { readScopeOf as scopeOf } from '../src/plan/reads.ts';
import { diff } from '../src/plan/diff.ts';
import { gatedOrganizations, refusalsOf } from '../src/plan/safety.ts';
import { fingerprint } from '../src/plan/fingerprint.ts';
import { buildPlan } from '../src/plan/plan.ts';
import { render } from '../src/plan/render/index.ts';
import { applyPlan } from '../src/apply/apply.ts';
import type { Plan } from '../src/plan/types.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const NOW = new Date('2026-11-30T12:00:00Z');
const ORG = '00000000-0000-4000-8000-000000000000';
const uuid = (kind: number, i: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const email = (i: number) => `person${i}@example.com`;

/** An organization as PostHog's API would list it, in memory: the fetcher reads it with no HTTP. */
interface FakeOrg {
  members: number;
  roles: string[];
  /** Role index → member indexes. */
  roleMembers?: number[][];
  projects: { name: string; access: AccessControlRule[]; resources: AccessControlRule[] }[];
}

function fakeApi(org: FakeOrg): PostHogApi {
  const user = (i: number) => ({ id: i + 1, uuid: uuid(1, i), email: email(i), first_name: '', last_name: '', distinct_id: `d${i}` });
  const members: MemberResponse[] = Array.from({ length: org.members }, (_, i) => ({
    id: uuid(2, i), user: user(i), level: i === 0 ? 15 : 1, joined_at: T0, updated_at: T0, is_2fa_enabled: true, last_login: null,
  }) as MemberResponse);
  const roles: RoleResponse[] = org.roles.map((name, r) => ({
    id: uuid(3, r), name, created_at: T0, created_by: null, is_default: false,
    members: (org.roleMembers?.[r] ?? []).map((m) => ({ id: uuid(4, r * 1_000_000 + m), user: user(m), role_id: uuid(3, r), joined_at: T0, updated_at: T0 })),
  }) as unknown as RoleResponse);
  const projects: ProjectResponse[] = org.projects.map((p, i) => ({ id: i + 1, name: p.name, organization: ORG }));
  const byId = new Map(org.projects.map((p, i) => [i + 1, p]));
  const read = {
    me: async () => ({ ...user(0), organization: { id: ORG, name: 'Bench' } }),
    currentKey: async () => ({ id: 'k', label: 'bench', scopes: ['*'], scoped_teams: null, scoped_organizations: null, created_at: T0, last_used_at: null, last_rolled_at: null }),
    organization: async () => ({ id: ORG, name: 'Bench', membership_level: 15, available_product_features: [{ key: 'role_based_access' }, { key: 'advanced_permissions' }, { key: 'access_control' }], default_role_id: null, enforce_2fa: null, members_can_invite: true, members_can_use_personal_api_keys: true, allow_publicly_shared_resources: true }),
    listMembers: async () => members,
    listInvites: async () => [],
    listRoles: async () => roles,
    listProjects: async () => projects,
    projectAccessControls: async (id: number) => ({ access_controls: byId.get(id)!.access, available_access_levels: [], default_access_level: 'admin' }),
    resourceAccessControls: async (id: number) => ({ access_controls: byId.get(id)!.resources, available_access_levels: [], default_access_level: 'editor' }),
  };
  // Writes (the applier's bookkeeping is measured, not PostHog): every other method answers at once.
  return new Proxy(read as unknown as PostHogApi, {
    get: (target, name) => (target as any)[name] ?? (async () => ({ id: uuid(9, 0) })),
  });
}

const rule = (resource: string, level: string, subject: { member?: number; role?: number }): AccessControlRule => ({
  access_level: level, resource, resource_id: null,
  organization_member: subject.member !== undefined ? uuid(2, subject.member) : null,
  role: subject.role !== undefined ? uuid(3, subject.role) : null,
});

interface Scenario {
  org: FakeOrg;
  matrix: Record<string, unknown>;
}

const base = (members: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({
  version: 1, organization: { id: '@current' }, members,
  prune: { members: true, invites: true, teams: true, project_access: true },
  safety: { max_deletes: 1_000_000, protected: [email(0)] }, ...rest,
});

const everyone = (n: number, level: (i: number) => string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [email(i), i === 0 ? 'owner' : level(i)]));

/** n people raised to admin and their n project rules raised: 2n changes in one phase each. */
function changes(n: number): Scenario {
  return {
    org: { members: n + 1, roles: [], projects: [{ name: 'Main', access: Array.from({ length: n }, (_, i) => rule('project', 'member', { member: i + 1 })), resources: [] }] },
    matrix: base(everyone(n + 1, () => 'admin'), {
      projects: { Main: { members: Object.fromEntries(Array.from({ length: n }, (_, i) => [email(i + 1), 'admin'])) } },
    }),
  };
}

/** n resource rules in one project (one resource type), all as the matrix has them. */
function rulesInOneProject(n: number): Scenario {
  return {
    org: { members: n + 1, roles: [], projects: [{ name: 'Main', access: [], resources: Array.from({ length: n }, (_, i) => rule('feature_flag', 'viewer', { member: i + 1 })) }] },
    matrix: base(everyone(n + 1, () => 'member'), {
      projects: { Main: { resources: { feature_flag: { members: Object.fromEntries(Array.from({ length: n }, (_, i) => [email(i + 1), 'viewer'])) } } } },
    }),
  };
}

/** n teams, each spelt in another case in the matrix than in PostHog, each with a member and a rule. */
function teams(n: number): Scenario {
  const names = Array.from({ length: n }, (_, i) => `Team ${i}`);
  return {
    org: {
      members: n + 1, roles: names, roleMembers: names.map((_, r) => [r + 1]),
      projects: [{ name: 'Main', access: names.map((_, r) => rule('project', 'member', { role: r })), resources: [] }],
    },
    matrix: base(everyone(n + 1, () => 'member'), {
      teams: Object.fromEntries(names.map((t, r) => [t.toUpperCase(), { members: [email(r + 1)] }])),
      projects: { Main: { teams: Object.fromEntries(names.map((t) => [t.toUpperCase(), 'member'])) } },
    }),
  };
}

/**
 * i newcomers invited, p private projects (access: none, in PostHog and in the matrix); each
 * newcomer has a grant in one project. Private, so that each newcomer gains one place and the
 * plan's access list ("who gains what") grows as i at both sizes: with open projects each newcomer
 * gained every project, i × p places, and at 4n (4,800 × 800 = 3.84 million) the plan crossed
 * ACCESS_LIST_LIMIT (src/plan/plan.ts) and left the list out, so "render json" compared a 17.6 MB
 * plan at n with a 2.7 MB one at 4n (a ratio of 0.24).
 */
function invitees(i: number, p: number): Scenario {
  const projects = Array.from({ length: p }, (_, k) => `Project ${k}`);
  const newcomers = Array.from({ length: i }, (_, k) => `newcomer${k}@example.com`);
  const grants = new Map<string, Record<string, string>>(projects.map((name) => [name, {}]));
  newcomers.forEach((e, k) => { grants.get(projects[k % p]!)![e] = 'member'; });
  return {
    org: { members: 1, roles: [], projects: projects.map((name) => ({ name, access: [rule('project', 'none', {})], resources: [] })) },
    matrix: base({ ...everyone(1, () => 'member'), ...Object.fromEntries(newcomers.map((e) => [e, 'member'])) }, {
      projects: Object.fromEntries(projects.map((name) => [name, { access: 'none', members: grants.get(name) }])),
    }),
  };
}

/**
 * n members the matrix no longer lists, removed (prune.members): n removals, each with what goes
 * with it (its cascade). Not one of the issue's four dimensions: it guards the cascades, where each
 * removed member went through all removals (32,000 removals took 10 s to diff; 90 ms now).
 */
function removals(n: number): Scenario {
  return { org: { members: n + 1, roles: [], projects: [{ name: 'Main', access: [], resources: [] }] }, matrix: base(everyone(1, () => 'member')) };
}

interface Prepared {
  /** The matrix's people and PostHog's, as Maps (for the Map loop baseline; built before timing). */
  people: Map<string, unknown>;
  readPeople: Map<string, unknown>;
  text: string;
  desired: DesiredState;
  api: PostHogApi;
  actual: ActualState;
  plan: Plan;
}

async function prepare(s: Scenario): Promise<Prepared> {
  const text = stringify(s.matrix);
  const { desired } = parseMatrix(text, 'bench.yaml', {});
  const api = fakeApi(s.org);
  const actual = await fetchActual(api, scopeOf(desired));
  const plan = buildPlan({ desired, actual, at: NOW, createdAt: NOW, host: 'http://127.0.0.1', matrix: { file: 'bench.yaml', sha256: '' }, read: scopeOf(desired) });
  return { people: new Map(Object.entries(desired.members)), readPeople: new Map(Object.entries(actual.members)), text, desired, api, actual, plan };
}

type Stage = (p: Prepared) => unknown;

type PeopleMaps = Pick<Prepared, 'people' | 'readPeople'>;

/**
 * The people loop over Maps, the fastest structure JavaScript has for it: what 4× the data costs
 * on this machine with no object of ours in the way.
 */
function mapLoop(p: PeopleMaps): number {
  let found = 0;
  for (const email of p.people.keys()) if (p.readPeople.has(email)) found++;
  return found;
}

const STAGES: Record<string, Stage> = {
  baseline: (p) => JSON.stringify(p.actual).length + JSON.stringify(p.desired).length,
  // The simplest loop the stages are made of: each person of the matrix, looked up in PostHog's.
  'baseline: people loop': (p) => {
    let found = 0;
    for (const [email] of Object.entries(p.desired.members)) if (p.actual.members[email]) found++;
    return found;
  },
  'baseline: Map loop': (p) => mapLoop(p),
  load: (p) => parseMatrix(p.text, 'bench.yaml', {}),
  fetch: (p) => fetchActual(p.api, scopeOf(p.desired)),
  diff: (p) => diff(p.desired, p.actual, NOW),
  guards: (p) => refusalsOf(gatedOrganizations(p.plan)[0]!, { actual: p.actual }),
  fingerprint: (p) => fingerprint(p.actual),
  'render text': (p) => render(p.plan, 'text'),
  'render markdown': (p) => render(p.plan, 'markdown'),
  'render json': (p) => render(p.plan, 'json'),
  'apply bookkeeping': (p) => applyPlan({ api: p.api, plan: p.plan.organizations[0]!, actual: p.actual, concurrency: 4 }),
};

/**
 * The fastest and the median of `runs` samples; each sample repeats the stage `reps` times so that
 * it lasts long enough to time. Growth is judged on the fastest: on a shared machine other work
 * only ever adds time to a sample.
 */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * A full garbage collection before each stage: garbage an earlier stage left is not billed to this
 * one (the stage's own garbage, collected while it runs, is). Not before each sample: a forced
 * collection hands the heap's pages back, and the next sample then pays for growing it again (page
 * faults), a fixed cost that hid growth (the load stage took 3× longer at n right after one).
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function sample<T>(stage: (p: T) => unknown, p: T, reps: number): Promise<number> {
  const started = cpuMs();
  for (let k = 0; k < reps; k++) await stage(p);
  return (cpuMs() - started) / reps;
}

const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[sorted.length >> 1]! };
};

/**
 * `runs` samples of the stage at n and at 4n, alternated (n, 4n, n, 4n, …) so that both sizes see
 * the same machine: a burst of other work lands on both rather than on one size's block of runs.
 * A sample at n repeats the stage 4 times as often as one at 4n: both go through the same amount
 * of data, so both allocate as much and meet as many collections (see `calibrate`).
 */
async function timeBoth<T>(stage: (p: T) => unknown, small: T, large: T, runs: number, reps: number) {
  const n: number[] = [];
  const n4: number[] = [];
  for (let r = 0; r < runs; r++) {
    n.push(await sample(stage, small, 4 * reps));
    n4.push(await sample(stage, large, reps));
  }
  return { n: summary(n), n4: summary(n4) };
}

/** CPU time a sample lasts at least. */
const SAMPLE_MS = Number(process.env.BENCH_LINEAR_SAMPLE_MS ?? 200);

/**
 * How many repetitions make one sample of the large size last at least SAMPLE_MS (the small size
 * repeats 4 times as many). Judged on the fastest of three timings after a warm-up, so that one
 * slowed by a collection or a compilation does not leave the samples too short; each timing
 * repeats the stage for at least 20 ms, so that a stage of a few microseconds (the Map loop) is
 * timed as well as one of half a second (one run).
 */
async function calibrate<T>(stage: (p: T) => unknown, p: T): Promise<number> {
  await stage(p);
  let ms = Infinity;
  for (let k = 0; k < 3; k++) {
    const started = cpuMs();
    let repeated = 0;
    do {
      await stage(p);
      repeated++;
    } while (cpuMs() - started < 20);
    ms = Math.min(ms, (cpuMs() - started) / repeated);
  }
  return Math.max(1, Math.ceil(SAMPLE_MS / ms));
}

const runs = Number(process.argv[2] ?? 5);
/** Optional: only this dimension and stage (to profile one: node --cpu-prof bench/linear.ts 3 teams "render markdown"). */
const [onlyDimension, onlyStage] = process.argv.slice(3);
/** Every dimension's n multiplied (BENCH_LINEAR_SCALE; projects of the invitees dimension excepted, see there). */
const SCALE = Number(process.env.BENCH_LINEAR_SCALE ?? 1);
const size = (n: number) => Math.round(n * SCALE);
const fmt = (n: number) => n.toLocaleString('en-US');
const dimensions: { dimension: string; n: string; at: (scale: number) => Scenario; stages: string[] }[] = [
  { dimension: 'changes', n: `2×${fmt(size(2_000))} changes`, at: (k) => changes(size(2_000) * k), stages: Object.keys(STAGES) },
  { dimension: 'rules in one project', n: `${fmt(size(5_000))} rules`, at: (k) => rulesInOneProject(size(5_000) * k), stages: ['baseline', 'baseline: people loop', 'baseline: Map loop', 'load', 'fetch', 'diff', 'fingerprint'] },
  { dimension: 'teams', n: `${fmt(size(1_200))} teams`, at: (k) => teams(size(1_200) * k), stages: ['baseline', 'baseline: people loop', 'baseline: Map loop', 'load', 'fetch', 'diff', 'render text', 'render markdown'] },
  { dimension: 'removals', n: `${fmt(size(2_000))} members removed`, at: (k) => removals(size(2_000) * k), stages: ['baseline', 'diff', 'guards', 'render text', 'apply bookkeeping'] },
  { dimension: 'invitees × projects', n: `${fmt(size(1_200))} invitees × ${fmt(Math.round(50 / SCALE))} projects`, at: (k) => invitees(size(1_200) * k, Math.round(50 / SCALE) * k), stages: ['baseline', 'baseline: people loop', 'load', 'diff', 'render text', 'render markdown', 'render json'] },
];

/** Times one stage at n and 4n and prints its row; a stage that throws (at 4n, say) is reported as such, and the others are still measured. */
async function measure<T>(row: { dimension: string; n: string; stage: string }, stage: (p: T) => unknown, small: T, large: T): Promise<void> {
  try {
    collectGarbage(); // the earlier stages' garbage is not this one's to collect
    const reps = await calibrate(stage, large); // (a warm-up of the large size too)
    await stage(small); // warm-up
    const { n, n4 } = await timeBoth(stage, small, large, runs, reps);
    process.stdout.write(`${JSON.stringify({ ...row, runs, ms: n.min, ms4: n4.min, median: n.median, median4: n4.median, ratio: n4.min / n.min })}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ ...row, runs, failed: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })}\n`);
  }
}

for (const d of dimensions.filter((x) => !onlyDimension || x.dimension === onlyDimension)) {
  const small = await prepare(d.at(1));
  const large = await prepare(d.at(4));
  for (const name of d.stages.filter((x) => !onlyStage || x === onlyStage)) {
    await measure({ dimension: d.dimension, n: d.n, stage: name }, STAGES[name]!, small, large);
  }
}

/**
 * The machine alone, no code of ours: the Map loop baseline over n and 4n made-up addresses, at
 * sizes from 1,000 to 250,000. How much more than 4× it grows at each size is what the stages'
 * ratios are to be read against: the lookups are the same few instructions per key at every size;
 * what grows is the memory the keys and the Maps' tables span.
 */
const MACHINE = 'machine alone';
if ((!onlyDimension || onlyDimension === MACHINE) && (!onlyStage || onlyStage === 'baseline: Map loop')) {
  const peopleMaps = (n: number) => {
    // Two Maps of different values with the same keys: the matrix's people and PostHog's, keyed as
    // in the stages by the strings an object is keyed by (V8 keeps one flat copy of each; a string
    // made by a template is a chain of its parts until it is flattened).
    const emails = Object.keys(Object.fromEntries(Array.from({ length: n }, (_, i) => [email(i), true])));
    const people = () => new Map(emails.map((e) => [e, { level: 1, joinedAt: T0 }]));
    return { people: people(), readPeople: people() } satisfies PeopleMaps;
  };
  for (const n of [1_000, 4_000, 16_000, 64_000, 250_000]) {
    await measure({ dimension: MACHINE, n: `${fmt(n)} keys`, stage: 'baseline: Map loop' }, mapLoop, peopleMaps(n), peopleMaps(4 * n));
  }
}
