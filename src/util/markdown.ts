// Markdown that shows a user's strings as they are: the plan's pull-request comment, drift issues,
// explain, who-can, the access review, the activity log and the Action's messages all hold names,
// emails, notes and errors people wrote or PostHog sent, and none of them may turn into markup, a
// link, a table cell, a GitHub mention, or the end of a code block.
/**
 * Makes a user's string inert: no HTML, emphasis, links, code, issue references, mentions, table
 * cells or line breaks.
 * Safe inside table cells and list items (never at the start of a line).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    // "@name" in a note would notify that GitHub user; a zero-width space keeps it plain text.
    .replace(/(^|[^\w])@(?=\w)/g, '$1@&#8203;');
}

/** The longest run of backticks in a text: a code span or fence around it must be longer. */
function longestBackticks(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A text as inline code (a file path, a command), however many backticks it holds. */
export function codeSpan(text: string): string {
  const ticks = '`'.repeat(longestBackticks(text) + 1);
  // A span that starts or ends with a backtick needs a space inside its delimiters (CommonMark strips one).
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${ticks}`;
}

/** A text as a code block, shown as it is: its fence is longer than any run of backticks in it. */
export function codeBlock(text: string): string {
  const fence = '`'.repeat(Math.max(3, longestBackticks(text) + 1));
  return `${fence}\n${text}\n${fence}`;
}
