import { describe, expect, it } from 'vitest';
import type { CreatedObject } from '../../src/model/actual.ts';
import { NAMED_IN_WARNING, offboardingNotice, unreadNotice } from '../../src/plan/offboarding.ts';

const flag = (n: number): CreatedObject => ({ kind: 'feature_flag', project: 'P', id: n, name: `f${n}`, shared: true });

describe('offboarding notices', () => {
  it('says nothing for someone who created nothing', () => {
    expect(offboardingNotice('a@x.io', [])).toBeUndefined();
  });

  it('names at most a few things and counts the rest; private insights only counted', () => {
    const objects = [...Array.from({ length: NAMED_IN_WARNING + 2 }, (_, i) => flag(i + 1)),
      { kind: 'insight' as const, project: 'P', id: 9, name: 'draft', shared: false }];
    expect(offboardingNotice('a@x.io', objects)?.message).toBe(
      'a@x.io created 7 feature flags that others may rely on (P: f1 (feature flag), P: f2 (feature flag), P: f3 (feature flag), P: f4 (feature flag), P: f5 (feature flag), and 2 more); '
      + 'has 1 private insight, which PostHog deletes when they are removed: reassign owners before applying (`posthog-access explain a@x.io --offboarding` lists everything)');
  });

  it('warns of private insights alone', () => {
    expect(offboardingNotice('a@x.io', [{ kind: 'insight', project: 'P', id: 1, name: 'd', shared: false }, { kind: 'insight', project: 'Q', id: 2, name: 'e', shared: false }])?.message)
      .toBe('a@x.io has 2 private insights, which PostHog deletes when they are removed: reassign owners before applying (`posthog-access explain a@x.io --offboarding` lists everything)');
  });

  it('names where lists could not be read', () => {
    expect(unreadNotice({ byEmail: {}, unread: [], projects: 1 })).toBeUndefined();
    expect(unreadNotice({ byEmail: {}, unread: [{ project: 'P', kind: 'dashboard', reason: '403: no' }], projects: 1 })).toMatchObject({ level: 'info', code: 'offboarding_unread' });
  });
});
