// The model's mode-switch changes against PostHog's preview: compared by place and direction.
import { describe, expect, it } from 'vitest';
import { comparePreview } from '../../src/access/preview.ts';
import type { SwitchChange } from '../../src/access/switch.ts';
import type { ResolutionPreviewChange } from '../../src/posthog/types.ts';

const change = (project: string, direction: 'gains' | 'loses', resource?: string): SwitchChange => ({
  email: 'u@example.com', project, ...(resource && { resource }), direction,
  from: { level: 'admin', source: { kind: 'team', team: 'R' } }, to: { level: 'none', source: { kind: 'member' } },
});
const record = (project: string, scope: 'object' | 'resource', resource: string, direction: 'gains' | 'loses'): ResolutionPreviewChange => ({
  subject: { type: 'member', id: 'm-1', name: 'U' }, scope, resource, current: { access_level: 'admin' }, proposed: { access_level: 'none' },
  direction, project_id: 1, project_name: project,
});

describe('comparePreview', () => {
  it('agrees when both name the same places and directions; object records are counted apart', () => {
    const check = comparePreview(
      [change('Prod', 'loses'), change('Prod', 'loses', 'dashboard')],
      { changes: [record('Prod', 'object', 'project', 'loses'), record('Prod', 'resource', 'dashboard', 'loses'), record('Prod', 'object', 'dashboard', 'gains')] },
      ['Prod'],
    );
    expect(check).toEqual({ onlyModel: [], onlyPostHog: [], objectRecords: 1 });
  });

  it('names what only one side finds, within the projects the model read', () => {
    const check = comparePreview(
      [change('Prod', 'loses'), change('Staging', 'gains', 'insight')],
      { changes: [record('Prod', 'resource', 'feature_flag', 'loses'), record('Other', 'object', 'project', 'loses')] },
      ['Prod', 'Staging'],
    );
    expect(check).toEqual({ onlyModel: ['Prod loses', 'Staging / insight gains'], onlyPostHog: ['Prod / feature_flag loses'], objectRecords: 0 });
  });
});
