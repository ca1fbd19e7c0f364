// Bundle the GitHub Action (src/action/main.ts and everything it imports) into one ESM file that
// GitHub's node24 runner executes without node_modules: action/dist/index.mjs by default.
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);

// Sources that read package.json beside them at run time (src/util/version.ts) get its text inlined:
// the bundle runs where there is no package.json.
const PACKAGE_JSON_READ = /readFileSync\(new URL\('(?:\.\.\/)+package\.json', import\.meta\.url\), 'utf8'\)/g;
const inlinePackageJson: Plugin = {
  name: 'inline-package-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const text = await readFile(new URL('package.json', root), 'utf8');
      const contents = source.replace(PACKAGE_JSON_READ, JSON.stringify(text));
      return contents === source ? undefined : { contents, loader: 'ts' };
    });
  },
};

export async function buildAction(outfile = fileURLToPath(new URL('../action/dist/index.mjs', import.meta.url))): Promise<string> {
  await build({
    entryPoints: [fileURLToPath(new URL('../src/action/main.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    legalComments: 'linked',
    logLevel: 'warning',
    // Bundled CommonJS dependencies (commander, pino, the Azure SDK) call require() for Node's modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // The CLI's `if (import.meta.main) await main()` must not run inside the Action's bundle.
    define: { 'import.meta.main': 'false' },
    plugins: [inlinePackageJson],
  });
  return outfile;
}

if (import.meta.main) process.stdout.write(`${await buildAction(process.argv[2])}\n`);
