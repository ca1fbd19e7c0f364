// Every kind's writer, by kind (a kind without one is a type error).
import type { ChangeKind } from '../../plan/types.ts';
import { projectAccessWriter, resourceAccessWriter } from './access.ts';
import { domainWriter, orgSettingsWriter, projectWriter, teamWriter } from './organization.ts';
import { inviteWriter, memberWriter, teamMemberWriter } from './people.ts';
import { secretKeyWriter } from './secret-key.ts';
import type { Writer } from './writer.ts';

export const WRITERS: { [K in ChangeKind]: Writer<K> } = {
  project: projectWriter,
  team: teamWriter,
  org_settings: orgSettingsWriter,
  domain: domainWriter,
  invite: inviteWriter,
  member: memberWriter,
  team_member: teamMemberWriter,
  project_access: projectAccessWriter,
  resource_access: resourceAccessWriter,
  secret_key: secretKeyWriter,
};

export type { ApplyEnv, Writer } from './writer.ts';
