// Code spans and blocks around text we do not control (file paths, the CLI's output): whatever
// backticks it holds, it stays inside.
import { describe, expect, it } from 'vitest';
import { codeBlock, codeSpan } from '../../src/util/markdown.ts';

describe('code spans and blocks', () => {
  it('a span is longer than any run of backticks in it, padded when the text starts or ends with one', () => {
    expect(codeSpan('access.yaml')).toBe('`access.yaml`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('two\nlines')).toBe('`two lines`');
  });

  it('a block fence is longer than any run of backticks in it, at least three', () => {
    expect(codeBlock('plain')).toBe('```\nplain\n```');
    const report = 'error: members."```": not an email\n```\n@admins';
    expect(codeBlock(report)).toBe(`\`\`\`\`\n${report}\n\`\`\`\``);
  });
});
