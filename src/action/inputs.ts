// What the Action does and with what: chosen from the event unless the `command` input says, with
// inputs that default to what a workflow already has (the POSTHOG_* environment, github.token).
import * as core from '@actions/core';

export const MODES = ['validate', 'plan', 'apply', 'drift'] as const;
export type Mode = (typeof MODES)[number];

export interface Inputs {
  command: Mode | 'auto';
  matrices: string[];
  token: string;
  /** The environment the posthog-access commands run with. */
  env: Record<string, string | undefined>;
  secretsFile?: string;
  secretsCommand?: string;
  allowDeletes?: string;
  driftLabel: string;
}

export interface EventInfo {
  eventName: string;
  ref: string;
  defaultBranch?: string;
}

/** pull_request → plan (with validate and the comment); push to the default branch → apply; schedule → drift. */
export function chooseMode(command: Inputs['command'], event: EventInfo): Mode | { none: string } {
  if (command !== 'auto') return command;
  switch (event.eventName) {
    case 'pull_request':
    case 'pull_request_target':
      return 'plan';
    case 'push':
      if (event.defaultBranch && event.ref === `refs/heads/${event.defaultBranch}`) return 'apply';
      return { none: `a push to ${event.ref}, not to the default branch (${event.defaultBranch ?? 'unknown'}): nothing to apply` };
    case 'schedule':
    case 'workflow_dispatch':
      return 'drift';
    default:
      return { none: `nothing to do on a ${event.eventName} event; set the command input (validate, plan, apply or drift)` };
  }
}

// Variables of the runner the posthog-access commands (and a secrets command) have no use for.
const RUNNER_ONLY = /^(INPUT_|ACTIONS_RUNTIME_TOKEN$|ACTIONS_ID_TOKEN_REQUEST_TOKEN$|ACTIONS_RESULTS_URL$|ACTIONS_RUNTIME_URL$)/;

export function readInputs(env: NodeJS.ProcessEnv = process.env): Inputs {
  const command = core.getInput('command') || 'auto';
  if (command !== 'auto' && !(MODES as readonly string[]).includes(command)) {
    throw new Error(`input command: "${command}" is not one of auto, ${MODES.join(', ')}`);
  }
  const matrices = core.getInput('matrix').split(/[\n,]/).map((m) => m.trim()).filter(Boolean);
  const posthog = {
    POSTHOG_HOST: core.getInput('posthog-host') || env.POSTHOG_HOST,
    POSTHOG_PERSONAL_API_KEY: core.getInput('posthog-api-key') || env.POSTHOG_PERSONAL_API_KEY,
    POSTHOG_ORG_ID: core.getInput('posthog-org-id') || env.POSTHOG_ORG_ID,
  };
  if (posthog.POSTHOG_PERSONAL_API_KEY) core.setSecret(posthog.POSTHOG_PERSONAL_API_KEY);
  const token = core.getInput('github-token');
  if (token) core.setSecret(token);
  const cliEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !RUNNER_ONLY.test(k)));
  const optional = (name: string) => core.getInput(name) || undefined;
  return {
    command: command as Inputs['command'],
    matrices: matrices.length ? matrices : ['access-matrix.yaml'],
    token,
    env: { ...cliEnv, ...posthog, NO_COLOR: '1' },
    secretsFile: optional('secrets-file'),
    secretsCommand: optional('secrets-command'),
    allowDeletes: optional('allow-deletes'),
    driftLabel: core.getInput('drift-label') || 'posthog-access-drift',
  };
}
