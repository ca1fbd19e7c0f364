// CSV for spreadsheets (RFC 4180 quoting), safe to open: a cell a spreadsheet would run as a
// formula (starting with = + - @, or a tab or carriage return, as OWASP's CSV injection advice
// lists) is prefixed with ' so it shows as text.

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const text = FORMULA.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line per row, each ending in CRLF as RFC 4180 has it. */
export function csvLines(rows: string[][]): string {
  return rows.map((r) => `${r.map(csvCell).join(',')}\r\n`).join('');
}
