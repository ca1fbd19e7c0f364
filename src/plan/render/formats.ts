// The plan's output formats, apart from their renderers: the command line lists them without
// loading any.
export type RenderFormat = 'text' | 'markdown' | 'json';

export const RENDER_FORMATS: readonly RenderFormat[] = ['text', 'markdown', 'json'];
