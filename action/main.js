// The Action's entry in action.yml. The bundle it runs is built by `npm run build:action` and is
// part of release tags only (see docs/ci.md): a commit without it says so instead of failing obscurely.
import { existsSync } from 'node:fs';

const bundle = new URL('./dist/index.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stdout.write('::error::posthog-access: this ref of the Action has no built bundle (action/dist/index.mjs). Use a release tag (uses: OWNER/posthog-access@v0), or build it in the job first (run: npm ci && npm run build:action, then uses: ./); see docs/ci.md\n');
  process.exit(1);
}
await import(bundle.href);
