// explain and who-can as Markdown (pasted into issues and pull requests): names people wrote, in
// PostHog or the matrix, are shown as text; the text form shows them as they are.
import { describe, expect, it } from 'vitest';
import { explainMarkdown, explainText, whoCanMarkdown, type Explained, type WhoCanAnswer } from '../../src/access/report.ts';

const organization = { id: 'org', name: 'Acme <b>', mode: 'legacy' as const };
const project = 'Prod | EU';
const team = '@admins';

const explained: Explained = {
  organization,
  access: {
    email: 'carol@example.com', level: 'member', pending: false, teams: [team],
    projects: [{ project, level: 'admin', source: { kind: 'team', team }, known: true, resources: [{ resource: 'feature_flag', level: 'editor', source: { kind: 'member' } }] }],
  },
  endingSoon: [{ what: `admin on ${project}`, expires: '2026-12-01', then: 'member on *Sandbox*' }],
  offboarding: { objects: [{ kind: 'insight', project, id: 7, name: '<script>x</script> *weekly*', shared: true }], unread: [{ project, kind: 'dashboard', reason: 'no access to <Prod>' }], projects: 1 },
};

describe('access reports as Markdown', () => {
  it('explain: project, team, organization and object names cannot break the table or turn into markup', () => {
    const md = explainMarkdown('carol@example.com', [explained]);
    expect(md).toContain('### carol@example.com in Acme &lt;b&gt;');
    expect(md).toContain('teams: @&#8203;admins');
    expect(md).toContain('| Prod \\| EU | | admin | team @&#8203;admins |');
    expect(md).toContain('| Prod \\| EU | feature\\_flag | editor | own rule |');
    expect(md).toContain('- admin on Prod \\| EU after 2026-12-01, then member on \\*Sandbox\\*');
    expect(md).toContain('- not read: Prod \\| EU dashboards (no access to &lt;Prod&gt;)');
    expect(md).toContain('- Prod \\| EU: insight **&lt;script&gt;x&lt;/script&gt; \\*weekly\\*** (id 7)');
    expect(md).not.toMatch(/<script|<b>/);
  });

  it('explain as text shows the names as they are', () => {
    const text = explainText('carol@example.com', [explained]);
    expect(text).toContain('carol@example.com in Acme <b> (legacy resolution: highest wins): member');
    expect(text).toContain('Prod | EU  insight  <script>x</script> *weekly*  (id 7)');
  });

  it('who-can: the project heading and each row escaped', () => {
    const answer: WhoCanAnswer = { organization, project, found: true, people: [{ email: 'carol@example.com', level: 'admin', source: { kind: 'team', team }, pending: false }] };
    const md = whoCanMarkdown([{ ...answer, people: [...answer.people, { email: 'x_<y>@example.com', level: 'member', source: { kind: 'member' }, pending: true }] }]);
    expect(md).toContain('### Who can reach Prod \\| EU in Acme &lt;b&gt;');
    expect(md).toContain('| carol@example.com | admin | team @&#8203;admins |');
    expect(md).toContain('| x\\_&lt;y&gt;@&#8203;example.com | member | own rule (invited, pending) |');
    expect(whoCanMarkdown([{ ...answer, found: false, people: [] }])).toContain('No project named Prod \\| EU.');
  });
});
