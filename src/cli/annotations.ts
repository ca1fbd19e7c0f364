// Problems located in a file (`file:line:col: message`, as the loader reports them) as data, and
// as GitHub workflow commands that put them on the pull request's diff.

export interface Located {
  file?: string;
  line?: number;
  col?: number;
  message: string;
}

const LOCATED = /^(.+?):(\d+):(\d+): ([\s\S]*)$/;

/** `file:line:col: message` → its parts; a problem without a location keeps only its message. */
export function locate(problem: string): Located {
  const m = LOCATED.exec(problem);
  if (!m) return { message: problem };
  return { file: m[1]!, line: Number(m[2]), col: Number(m[3]), message: m[4]! };
}

// Escaping from GitHub's workflow command syntax: data escapes %, CR and LF; properties also : and ,.
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=…,line=…,col=…::message`: an annotation at that place in the file. */
export function githubAnnotation(level: 'error' | 'warning' | 'notice', p: Located): string {
  const props = [
    ...(p.file !== undefined ? [`file=${property(p.file)}`] : []),
    ...(p.line !== undefined ? [`line=${p.line}`] : []),
    ...(p.col !== undefined ? [`col=${p.col}`] : []),
  ];
  return `::${level}${props.length ? ` ${props.join(',')}` : ''}::${data(p.message)}`;
}
