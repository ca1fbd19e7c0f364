// One entry point for the CLI: a plan in, text out, in the format asked for.
import { InternalError } from '../../errors.ts';
import type { Plan } from '../types.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderText } from './text.ts';

import type { RenderFormat } from './formats.ts';

export { RENDER_FORMATS, type RenderFormat } from './formats.ts';

export interface RenderOptions {
  /** Terminal colours (text only). */
  color?: boolean;
  /** Character budget (markdown only); GitHub's comment limit by default. */
  maxLength?: number;
  /** The command the plan is shown for, named in the text and Markdown headers: `plan` (default) or `drift`. */
  command?: 'plan' | 'drift';
}

export function render(plan: Plan, format: RenderFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(plan, { color: options.color ?? false, ...(options.command && { command: options.command }) });
    case 'markdown':
      return renderMarkdown(plan, { ...(options.maxLength !== undefined && { maxLength: options.maxLength }), ...(options.command && { command: options.command }) });
    case 'json':
      return renderJson(plan);
    default: {
      const unknown: never = format;
      throw new InternalError(`unknown plan format: ${String(unknown)}`);
    }
  }
}

export { renderJson } from './json.ts';
export { GITHUB_COMMENT_LIMIT, renderMarkdown } from './markdown.ts';
export type { MarkdownOptions } from './markdown.ts';
export { personChanges } from './people.ts';
export type { PersonChanges, PersonEffect } from './people.ts';
export { SECTIONS, groupBySection } from './sections.ts';
export { renderText } from './text.ts';
export type { TextOptions } from './text.ts';
