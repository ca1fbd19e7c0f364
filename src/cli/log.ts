// `log`: recent access changes from the activity log of the live organization named by the
// environment, or of each --matrix's organization (docs/cli.md#log). Read-only.
import { ConfigError } from '../errors.ts';
import { logCsv, logJson, logMarkdown, logRows, logText } from '../log/render.ts';
import { loadMatrix } from '../matrix/read.ts';
import { readAccessLog } from '../state/access-log.ts';
import type { Io } from './commands.ts';
import { EXIT } from './exit.ts';
import { connect, forOrganization, type Session } from './pipeline.ts';
import type { LogFormat } from '../log/formats.ts';

export interface LogFlags {
  matrix: string[];
  format: LogFormat;
  since?: string;
  limit: number;
}

/** `--since`: a date (its start, UTC), a full ISO time, or a span back from now such as 7d or 12h. */
export function parseSince(value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  const span = /^(\d+)([dh])$/.exec(value.trim());
  if (span) return new Date(now.getTime() - Number(span[1]) * (span[2] === 'd' ? 86_400_000 : 3_600_000));
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime())) throw new ConfigError(`--since ${value}: not a date; use YYYY-MM-DD, an ISO time such as 2026-11-01T09:00:00Z, or a span such as 7d or 12h`);
  return at;
}

export async function logCommand(flags: LogFlags, session: Session, io: Io): Promise<number> {
  const since = parseSince(flags.since, new Date());
  // Each matrix's organization with its own host and key (organization.host, organization.api_key_env).
  const organizations = flags.matrix.length
    ? await Promise.all(flags.matrix.map(async (file) => {
      const { desired } = await loadMatrix(file, { env: session.env });
      return { wanted: desired.organization.id, session: forOrganization(session, desired) };
    }))
    : [{ wanted: session.env.POSTHOG_ORG_ID?.trim() || '@current', session }];
  const csv: string[] = [];
  for (const { wanted, session: own } of organizations) {
    const api = connect(own);
    try {
      const me = await api.me();
      const id = wanted === '@current' ? me.organization?.id : wanted;
      if (!id) throw new ConfigError(`${me.email} has no current organization: set POSTHOG_ORG_ID`);
      const org = await api.organization(id);
      const entries = await readAccessLog(api, { id: org.id, name: org.name, features: org.available_product_features.map((f) => f.key) }, { limit: flags.limit, ...(since && { since }) });
      const rows = logRows(entries);
      if (flags.format === 'csv') csv.push(csv.length ? logCsv(rows).split('\n').slice(1).join('\n') : logCsv(rows));
      else io.stdout.write(flags.format === 'json' ? logJson(org, rows) : flags.format === 'markdown' ? logMarkdown(org.name, rows) : logText(org.name, rows));
    } finally {
      await api.close();
    }
  }
  if (csv.length) io.stdout.write(csv.join(''));
  return EXIT.ok;
}
