// accessChanges resolves only the people and places a plan's changes can reach (src/access/changes.ts),
// and switchChanges only the people who can resolve differently in the other mode (src/access/switch.ts).
// On generated organizations and generated changes of every kind that moves access, in both
// resolution modes and with features missing, the pruned results must equal resolving every person
// at every place: a change pruning wrongly skipped shows as a difference.
import { describe, expect, it } from 'vitest';
import { accessChanges } from '../../src/access/changes.ts';
import { switchChanges } from '../../src/access/switch.ts';
import type { AccessView, ProjectRules, ScopeRules } from '../../src/access/effective.ts';
import { ORG_LEVEL_NAMES, PROJECT_LEVELS, RESOURCE_LEVELS } from '../../src/model/levels.ts';
import type { Change, Subject } from '../../src/plan/types.ts';
import { change } from '../render/builders.ts';

/** A small seeded generator (mulberry32), so a failing seed can be run again. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

type Rnd = ReturnType<typeof random>;

const EMAILS = Array.from({ length: 14 }, (_, i) => `p${i}@x.io`);
const TEAMS = ['Alpha', 'Beta', 'Gamma', 'Delta'];
const PROJECTS = ['North', 'South', 'East', 'West', 'Unread'];
const RESOURCES = ['dashboard', 'feature_flag', 'insight'];

function scope<L extends string>(rnd: Rnd, levels: readonly L[], emails: readonly string[]): ScopeRules<L> {
  const rules: ScopeRules<L> = { teams: {}, members: {} };
  if (rnd.chance(0.6)) rules.default = rnd.pick(levels);
  for (const team of TEAMS) if (rnd.chance(0.4)) rules.teams[team] = rnd.pick(levels);
  for (const email of emails) if (rnd.chance(0.2)) rules.members[email] = rnd.pick(levels);
  return rules;
}

function organization(rnd: Rnd, seed: number): AccessView {
  const present = EMAILS.slice(0, 10);
  const people: AccessView['people'] = {};
  for (const email of present) {
    const pending = rnd.chance(0.2);
    const invited: Record<string, (typeof PROJECT_LEVELS)[number]> = {};
    if (pending) for (const p of PROJECTS) if (rnd.chance(0.3)) invited[p] = rnd.pick(PROJECT_LEVELS);
    people[email] = { email, level: rnd.chance(0.2) ? rnd.pick(ORG_LEVEL_NAMES) : 'member', pending, invited };
  }
  const teams: AccessView['teams'] = {};
  for (const team of TEAMS) teams[team] = present.filter(() => rnd.chance(0.35));
  const projects: Record<string, ProjectRules> = {};
  for (const name of PROJECTS) {
    if (name !== 'Unread' && rnd.chance(0.15)) continue;
    const resources: ProjectRules['resources'] = {};
    for (const r of RESOURCES) if (rnd.chance(0.5)) resources[r] = scope(rnd, RESOURCE_LEVELS, present);
    projects[name] = { ...scope(rnd, PROJECT_LEVELS, present), resources, known: name !== 'Unread' };
  }
  return { mode: seed % 2 ? 'most_specific' : 'legacy', accessControl: seed % 7 !== 3, roleBasedAccess: seed % 5 !== 4, people, teams, projects };
}

/** Changes of every kind that moves access, on people, teams and projects that exist or not. */
function changes(rnd: Rnd, view: AccessView): Change[] {
  const out = new Map<string, Change>();
  const add = (c: Change) => out.set(c.id, c);
  const action = () => rnd.pick(['create', 'update', 'delete'] as const);
  const count = 1 + Math.floor(rnd.next() * 5);
  for (let i = 0; i < count; i++) {
    const email = rnd.pick(EMAILS);
    const team = rnd.pick([...TEAMS, 'Newteam']);
    const project = rnd.pick(PROJECTS);
    switch (rnd.pick(['member', 'invite', 'team', 'team_member', 'project', 'project_access', 'resource_access', 'resource_access'] as const)) {
      case 'member':
        if (!view.people[email] || view.people[email].pending) break;
        add(rnd.chance(0.3)
          ? change({ kind: 'member', action: 'delete', key: email })
          : change({ kind: 'member', action: 'update', key: email, after: { level: rnd.pick(ORG_LEVEL_NAMES) } }));
        break;
      case 'invite': {
        const projects = Object.fromEntries(PROJECTS.filter(() => rnd.chance(0.3)).map((p) => [p, rnd.pick(PROJECT_LEVELS)]));
        add(view.people[email]?.pending && rnd.chance(0.5)
          ? change({ kind: 'invite', action: 'delete', key: email })
          : change({ kind: 'invite', action: 'create', key: email, after: { level: rnd.pick(['member', 'admin']), projects, expired: false } }));
        break;
      }
      case 'team':
        add(change({ kind: 'team', action: team === 'Newteam' ? 'create' : 'delete', key: team }));
        break;
      case 'team_member':
        add(change({ kind: 'team_member', action: rnd.pick(['create', 'delete']), key: `${team} / ${email}`, subject: { team, email } }));
        break;
      case 'project':
        add(change({ kind: 'project', action: 'create', key: `${project} new` }));
        break;
      case 'project_access':
      case 'resource_access': {
        const resource = rnd.pick(RESOURCES);
        const onResource = rnd.chance(0.6);
        const who: Subject = rnd.chance(0.4) ? { email } : rnd.chance(0.6) ? { team } : {};
        const subject: Subject = { project, ...(onResource && { resource }), ...who };
        const kind = onResource ? 'resource_access' : 'project_access';
        const a = action();
        const level = rnd.pick(onResource ? RESOURCE_LEVELS : PROJECT_LEVELS);
        const key = [project, ...(onResource ? [resource] : []), who.email ? `member:${email}` : who.team ? `team:${team}` : 'default'].join(' / ');
        add(change({ kind, action: a, key, subject, ...(a !== 'delete' && { after: { level } }), ...(a !== 'create' && { before: { level: onResource ? 'viewer' : 'member' } }) }));
        break;
      }
    }
  }
  return [...out.values()];
}

describe('accessChanges resolves only what the changes reach', () => {
  it('equals resolving everyone everywhere on generated organizations and changes', () => {
    let compared = 0;
    let moved = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const rnd = random(seed);
      const view = organization(rnd, seed);
      const planned = changes(rnd, view);
      const everywhere = accessChanges(view, planned, { everywhere: true });
      expect({ seed, access: accessChanges(view, planned) }).toEqual({ seed, access: everywhere });
      compared += 1;
      moved += everywhere.length;
    }
    // The generated changes move access often enough for the comparison to mean something.
    expect(compared).toBe(600);
    expect(moved).toBeGreaterThan(1000);
  });

  it('a changed default moves everyone in the project, team rule changes its members, an own rule its person', () => {
    const view: AccessView = {
      mode: 'legacy', accessControl: true, roleBasedAccess: true,
      people: Object.fromEntries(['a@x.io', 'b@x.io', 'c@x.io'].map((email) => [email, { email, level: 'member', pending: false, invited: {} }])),
      teams: { T: ['b@x.io'] },
      projects: { P: { default: 'none', teams: {}, members: {}, resources: {}, known: true }, Q: { default: 'none', teams: {}, members: {}, resources: {}, known: true } },
    };
    const raise = change({ kind: 'project_access', action: 'update', key: 'P / default', subject: { project: 'P' }, before: { level: 'none' }, after: { level: 'member' } });
    const team = change({ kind: 'project_access', action: 'create', key: 'Q / team:T', subject: { project: 'Q', team: 'T' }, after: { level: 'member' } });
    const own = change({ kind: 'project_access', action: 'create', key: 'Q / member:c@x.io', subject: { project: 'Q', email: 'c@x.io' }, after: { level: 'admin' } });
    expect(accessChanges(view, [raise, team, own]).map((c) => [c.email, c.places.map((p) => p.project).join(), c.after?.level])).toEqual([
      ['a@x.io', 'P', 'member'],
      ['b@x.io', 'P', 'member'],
      ['b@x.io', 'Q', 'member'],
      ['c@x.io', 'P', 'member'],
      ['c@x.io', 'Q', 'admin'],
    ]);
  });

  it('switching modes: resolving only people with their own or a team\'s rule at a place equals resolving everyone', () => {
    let moved = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const view = organization(random(seed), seed);
      const to = view.mode === 'legacy' ? 'most_specific' : 'legacy';
      const everywhere = switchChanges(view, to, { everywhere: true });
      expect({ seed, changes: switchChanges(view, to) }).toEqual({ seed, changes: everywhere });
      moved += everywhere.length;
    }
    expect(moved).toBeGreaterThan(1000);
  });
});
