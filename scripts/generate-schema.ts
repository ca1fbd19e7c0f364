// Writes schemas/access-matrix.schema.json from the zod schema (src/matrix/schema.ts).
// Usage: npm run schema            (write the file)
//        node scripts/generate-schema.ts --check   (exit 1 if the committed file is stale)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_PATH, renderJsonSchema } from '../src/matrix/schema.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, JSON_SCHEMA_PATH);
const text = renderJsonSchema();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== text) {
    process.stderr.write(`${JSON_SCHEMA_PATH} is out of date; run \`npm run schema\` and commit it\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON_SCHEMA_PATH} is up to date\n`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  process.stdout.write(`wrote ${JSON_SCHEMA_PATH} (${text.length} bytes)\n`);
}
