import { describe, expect, it } from 'vitest';
import { auditApiKeys } from '../../src/state/audit-keys.ts';

describe('auditApiKeys', () => {
  it('a malformed value is that key\'s problem, named by its own variable, not the whole plan\'s', async () => {
    const value = 'phx_fake with a space 0000000000000';
    const audits = await auditApiKeys(
      { bi: { env: 'POSTHOG_KEY_BI', scopes: ['insight:read'] }, gone: { env: 'POSTHOG_KEY_GONE', scopes: ['query:read'] } },
      { POSTHOG_KEY_BI: value },
      'http://127.0.0.1:9', // never reached
    );
    expect(audits.gone).toEqual({ env: 'POSTHOG_KEY_GONE', found: false });
    expect(audits.bi?.found).toBe(true);
    expect(audits.bi?.error).toContain('$POSTHOG_KEY_BI contains whitespace');
    expect(audits.bi?.error).not.toContain('POSTHOG_PERSONAL_API_KEY');
    expect(JSON.stringify(audits)).not.toContain(value);
  });
});
