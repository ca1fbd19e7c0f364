// What the applier hands a kind's writer, and what a writer is: one HTTP step per change action
// (or one call for several, where PostHog has a bulk endpoint).
import { findTeam, type ActualMember, type ActualState } from '../../model/actual.ts';
import { InternalError } from '../../errors.ts';
import type { PostHogApi } from '../../posthog/types.ts';
import type { ChangeKind, CreateChange, DeleteChange, UpdateChange } from '../../plan/types.ts';
import type { SecretSink } from '../../secrets/sink.ts';

export interface ApplyEnv {
  api: PostHogApi;
  orgId: string;
  actual: ActualState;
  /** Server ids of what this apply created, by change id (`project:Prod` → 123): what later steps refer to. */
  created: Map<string, string | number>;
  /** Where new secret key values go; the safety gate refuses a plan that makes some without one. */
  secrets?: SecretSink;
}

/** A kind's writes. A create returns the server id of what it made when later steps need it. */
export interface Writer<K extends ChangeKind> {
  create?(change: CreateChange<K>, env: ApplyEnv): Promise<string | number | void>;
  update?(change: UpdateChange<K>, env: ApplyEnv): Promise<void>;
  delete?(change: DeleteChange<K>, env: ApplyEnv): Promise<void>;
  /**
   * Creates and updates sent together where PostHog has a bulk endpoint: at most `size` per call.
   * Resolves to one entry per change, in order: undefined when it was carried out, else its error.
   */
  bulk?: { size: number; send(changes: (CreateChange<K> | UpdateChange<K>)[], env: ApplyEnv): Promise<unknown[]> };
}

export function projectIdOf(env: ApplyEnv, name: string): number {
  const id = env.created.get(`project:${name}`) ?? env.actual.projects[name]?.id;
  if (typeof id !== 'number') throw new InternalError(`project "${name}" has no id: it was neither found nor created`);
  return id;
}

export function teamIdOf(env: ApplyEnv, name: string): string {
  const id = env.created.get(`team:${name}`) ?? findTeam(env.actual, name)?.id;
  if (typeof id !== 'string') throw new InternalError(`team "${name}" has no id: it was neither found nor created`);
  return id;
}

export function memberOf(env: ApplyEnv, email: string): ActualMember {
  const member = env.actual.members[email];
  if (!member) throw new InternalError(`${email} is not a member of the organization`);
  return member;
}
