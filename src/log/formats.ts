// `log`'s output formats, apart from their renderers: the command line lists them without loading any.
export const LOG_FORMATS = ['text', 'markdown', 'json', 'csv'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
