// Exit codes (docs/cli.md): 0 nothing to do or success, 1 error or refused, 2 changes present.
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;
