// `explain` and `who-can`'s output formats, apart from their renderers: the command line lists them
// without loading any.
export type AccessFormat = 'text' | 'markdown' | 'json';
export const ACCESS_FORMATS: readonly AccessFormat[] = ['text', 'markdown', 'json'];
