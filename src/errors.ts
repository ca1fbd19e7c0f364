// The few error classes of posthog-access. Only the CLI entry point turns them into exit codes:
// user-facing errors print their message (no stack); InternalError is a bug and keeps its stack.

/** Something the user gave us is wrong (matrix, flags, environment). Exit 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Each problem on its own line, e.g. `file:line:col: what is wrong, and what to do`. */
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('\n'));
    this.problems = list;
  }
}

/** A guard refused the plan, or a saved plan is stale. Exit 1. */
export class UnsafePlanError extends Error {
  override name = 'UnsafePlanError';
}

/** PostHog (or the network) refused or failed a call. Exit 1. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly attr: string | null | undefined;
  readonly method: string;
  readonly path: string;
  constructor(message: string, info: { status: number; code?: string; attr?: string | null; method: string; path: string }) {
    super(message);
    this.status = info.status;
    this.code = info.code;
    this.attr = info.attr;
    this.method = info.method;
    this.path = info.path;
  }
}

/** A bug in posthog-access. Exit 1, with the stack. */
export class InternalError extends Error {
  override name = 'InternalError';
}

export function isUserError(e: unknown): e is ConfigError | UnsafePlanError | ApiError {
  return e instanceof ConfigError || e instanceof UnsafePlanError || e instanceof ApiError;
}
