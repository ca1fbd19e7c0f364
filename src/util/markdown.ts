// Markdown that shows a user's strings as they are: the plan's pull-request comment, explain,
// who-can and the access review all hold names, emails and notes people wrote, in PostHog or in
// the matrix, and none of them may turn into markup, a link, a table cell or a GitHub mention.
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
