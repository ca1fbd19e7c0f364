// The committed editor schema must be what the zod schema generates today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_PATH, matrixJsonSchema, renderJsonSchema } from '../../src/matrix/schema.ts';

describe(JSON_SCHEMA_PATH, () => {
  it('is up to date with src/matrix/schema.ts', () => {
    const committed = readFileSync(JSON_SCHEMA_PATH, 'utf8');
    const fresh = renderJsonSchema();
    if (committed !== fresh) {
      expect.fail(`${JSON_SCHEMA_PATH} is out of date with src/matrix/schema.ts: run \`npm run schema\` and commit the result`);
    }
  });

  it('has $schema, $id, title and description, and ends with a newline', () => {
    const s = matrixJsonSchema();
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(s.$id).toBeTypeOf('string');
    expect(s.title).toContain('access matrix');
    expect(s.description).toContain('npm run schema');
    expect(renderJsonSchema().endsWith('}\n')).toBe(true);
  });
});
