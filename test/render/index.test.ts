import { describe, expect, it } from 'vitest';
import { RENDER_FORMATS, render, renderJson, renderMarkdown, renderText } from '../../src/plan/render/index.ts';
import type { RenderFormat } from '../../src/plan/render/index.ts';
import { samplePlan } from './builders.ts';

describe('render', () => {
  const p = samplePlan();

  it('dispatches on the format', () => {
    expect(render(p, 'text')).toBe(renderText(p, { color: false }));
    expect(render(p, 'text', { color: true })).toBe(renderText(p, { color: true }));
    expect(render(p, 'markdown')).toBe(renderMarkdown(p));
    expect(render(p, 'markdown', { maxLength: 1500 }).length).toBeLessThanOrEqual(1500);
    expect(render(p, 'json')).toBe(renderJson(p));
    expect(RENDER_FORMATS).toEqual(['text', 'markdown', 'json']);
  });

  it('refuses an unknown format as a bug', () => {
    expect(() => render(p, 'html' as RenderFormat)).toThrow(/unknown plan format: html/);
  });
});
