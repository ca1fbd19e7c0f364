// docs/emulator.md lists the cases of the conformance suite the emulator does not claim; that list
// must be unclaimed.ts itself (regenerate: node test/conformance/unclaimed-doc.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, docSection, unclaimedMarkdown } from './unclaimed-doc.ts';
import { UNCLAIMED } from './unclaimed.ts';

describe('docs/emulator.md and the conformance suite', () => {
  it('lists exactly the unclaimed cases, with their reasons', () => {
    const section = docSection(readFileSync(DOC, 'utf8'));
    expect(section, 'docs/emulator.md lacks the generated unclaimed-cases section').not.toBeNull();
    expect(section).toBe(unclaimedMarkdown());
    // every case appears by name (the generated text is not empty by accident)
    for (const id of Object.keys(UNCLAIMED)) expect(section).toContain(`\`${id.slice(id.indexOf('::') + 2)}\``);
  });
});
