// Writes schemas/emulator-state.schema.json from the zod schema in snapshot.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { snapshotJsonSchemaText } from './snapshot.ts';

const target = fileURLToPath(new URL('../../schemas/emulator-state.schema.json', import.meta.url));
writeFileSync(target, snapshotJsonSchemaText());
console.log(`wrote ${target}`);
