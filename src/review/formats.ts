// `review`'s output formats, apart from their renderers: the command line lists them without loading any.
export const REVIEW_FORMATS = ['markdown', 'csv', 'json'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];
