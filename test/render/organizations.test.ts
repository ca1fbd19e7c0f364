// A plan of several organizations: text and Markdown show a part per organization under one
// summary; one organization's refusal is said in its part and in the summary.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderText } from '../../src/plan/render/index.ts';
import { change, organizationPlan, plans } from './builders.ts';

const us = organizationPlan({
  organization: { id: 'org-us', name: 'US Co' }, host: 'https://us.posthog.com', matrix: { file: 'matrices/us.yaml', sha256: 'a'.repeat(64) },
  changes: [change({ kind: 'team', action: 'create', key: 'Analysts', after: { name: 'Analysts' } })],
});
const eu = organizationPlan({
  organization: { id: 'org-eu', name: 'EU GmbH' }, host: 'https://eu.posthog.com', matrix: { file: 'matrices/eu.yaml', sha256: 'b'.repeat(64) },
  changes: [change({ action: 'delete', key: 'dave@example.com' }), change({ action: 'delete', key: 'erin@example.com' })],
  refusals: [{ guard: 'max_deletes', message: 'the plan removes or lowers 2 things, more than safety.max_deletes (1)', changeIds: ['member:dave@example.com', 'member:erin@example.com'] }],
});

describe('a plan of two organizations', () => {
  it('text: a part per organization, in order, then the total; a refusal in its part and at the end', () => {
    const text = renderText(plans([us, eu]), { color: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe('posthog-access plan · 2 organizations · at 2026-03-20');
    const usAt = text.indexOf('═══ organization US Co · matrix matrices/us.yaml');
    const euAt = text.indexOf('═══ organization EU GmbH · matrix matrices/eu.yaml');
    expect(usAt).toBeGreaterThan(0);
    expect(euAt).toBeGreaterThan(usAt);
    expect(text.indexOf('+ Analysts')).toBeGreaterThan(usAt);
    expect(text.indexOf('+ Analysts')).toBeLessThan(euAt);
    expect(text.indexOf('- dave@example.com')).toBeGreaterThan(euAt);
    expect(text).toContain('https://eu.posthog.com · organization id org-eu');
    expect(text).toContain('US Co: Plan: 1 to create, 0 to update, 0 to delete.');
    expect(text).toContain('EU GmbH: Plan: 0 to create, 0 to update, 2 to delete.');
    expect(text.indexOf('✗ max_deletes')).toBeGreaterThan(euAt);
    expect(text).toContain('To allow this for one run, pass --allow-deletes 2.');
    expect(lines.at(-3)).toBe('All 2 organizations: Plan: 1 to create, 0 to update, 2 to delete.');
    expect(lines.at(-2)).toBe('✗ Refused in EU GmbH: its changes will not be applied.');
  });

  it('markdown: the organizations in a table with the total, then a part each', () => {
    const md = renderMarkdown(plans([us, eu]), { command: 'drift' });
    expect(md.startsWith('## posthog-access drift for 2 organizations\n')).toBe(true);
    expect(md).toContain('> **Refused in EU GmbH: its changes will not be applied** (see its part below).');
    expect(md).toContain('| US Co | https://us.posthog.com | matrices/us.yaml | 1 | 0 | 0 |  |');
    expect(md).toContain('| EU GmbH | https://eu.posthog.com | matrices/eu.yaml | 0 | 0 | 2 | **refused** |');
    expect(md).toContain('| **Total** | | | **1** | **0** | **2** | |');
    expect(md.indexOf('### US Co')).toBeLessThan(md.indexOf('### EU GmbH'));
    expect(md.indexOf('`--allow-deletes 2`')).toBeGreaterThan(md.indexOf('### EU GmbH'));
    // drift says drift in its counts too, for all and for each organization.
    expect(md).toContain('**Drift: 1 to create, 0 to update, 2 to delete.**');
    expect(md).toContain('**Drift: 0 to create, 0 to update, 2 to delete.**');
    expect(md).not.toContain('Plan: ');
    expect(renderMarkdown(plans([us, eu]))).toContain('**Plan: 1 to create, 0 to update, 2 to delete.**');
  });

  it('text of drift: "Drift: …" for each organization and all of them', () => {
    const text = renderText(plans([us, eu]), { color: false, command: 'drift' });
    expect(text).toContain('US Co: Drift: 1 to create, 0 to update, 0 to delete.');
    expect(text).toContain('All 2 organizations: Drift: 1 to create, 0 to update, 2 to delete.');
    expect(text).not.toContain('Plan: ');
    expect(renderText(plans([us]), { color: false, command: 'drift' }).trimEnd().split('\n').at(-1)).toBe('Drift: 1 to create, 0 to update, 0 to delete.');
    expect(renderText(plans([organizationPlan({ ...us, changes: [] })]), { color: false, command: 'drift' }).trimEnd().split('\n').at(-1)).toBe('No drift. PostHog matches the matrix.');
    expect(renderText(plans([organizationPlan({ ...us, changes: [] })]), { color: false }).trimEnd().split('\n').at(-1)).toBe('No changes. PostHog matches the matrix.');
  });

  it('markdown stays under the limit, sharing it between the organizations', () => {
    const many = organizationPlan({ ...us, changes: Array.from({ length: 400 }, (_, i) => change({ key: `person-${i}@example.com` })) });
    const md = renderMarkdown(plans([many, { ...many, organization: { id: 'o2', name: 'Second' } }]), { maxLength: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toContain('omitted from the details');
    expect(md).toContain('### Second');
  });
});
