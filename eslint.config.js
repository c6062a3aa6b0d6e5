// @ts-check
import { builtinModules } from 'node:module';
import path from 'node:path';
import svelte from 'eslint-plugin-svelte';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));

/**
 * The arrows of the design (DESIGN.md, "Shape of the code"): what each layer may not
 * import. `packages` are bare specifiers (and their subpaths), `nodeBuiltins` adds every
 * Node module, `folders` are source folders, matched by resolving relative imports.
 */
const LAYERS = [
  {
    files: ['src/renderer/**'],
    reason: 'the renderer talks only to the contract (window.biascope)',
    nodeBuiltins: true,
    packages: ['electron', 'better-sqlite3'],
    folders: ['src/main'],
  },
  {
    files: ['src/shared/**'],
    reason: 'shared code runs on both sides: no Node, no Electron, nothing from one side',
    nodeBuiltins: true,
    packages: ['electron', 'better-sqlite3'],
    folders: ['src/main', 'src/renderer', 'src/preload'],
  },
  {
    files: ['src/main/engine/**'],
    reason: 'the engine takes tensors and knows nothing of files or SQLite',
    nodeBuiltins: false,
    packages: ['better-sqlite3'],
    folders: ['src/main/store', 'src/main/library'],
  },
];

/**
 * Reports relative imports that resolve into a forbidden folder.
 * @type {import('eslint').Rule.RuleModule}
 */
const noCrossLayer = {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow imports against the direction of the layers' },
    schema: [
      {
        type: 'object',
        properties: {
          folders: { type: 'array', items: { type: 'string' } },
          reason: { type: 'string' },
        },
        required: ['folders'],
        additionalProperties: false,
      },
    ],
    messages: { forbidden: "'{{source}}' is in {{folder}}: {{reason}}." },
  },
  create(context) {
    /** @type {{ folders: string[]; reason?: string }} */
    const { folders, reason = 'against the layers' } = context.options[0];
    const forbidden = folders.map((folder) => path.resolve(root, folder));
    const from = path.dirname(context.filename);

    /** @param {import('estree').Node | null | undefined} node */
    const check = (node) => {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const source = node.value;
      if (!source.startsWith('.')) return;
      const target = path.resolve(from, source);
      const hit = forbidden.find((dir) => target === dir || target.startsWith(dir + path.sep));
      if (hit) {
        const folder = path.relative(root, hit).split(path.sep).join('/');
        context.report({ node, messageId: 'forbidden', data: { source, folder, reason } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

/**
 * @param {(typeof LAYERS)[number]} layer
 * @returns {import('eslint').Linter.Config}
 */
function layerConfig({ files, reason, nodeBuiltins, packages, folders }) {
  const message = `${reason}.`;
  const names = [...packages, ...(nodeBuiltins ? NODE_BUILTINS : [])];
  const patterns = [...packages.map((name) => `${name}/*`), ...(nodeBuiltins ? ['node:*'] : [])];
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: names.map((name) => ({ name, message })),
          patterns: [{ group: patterns, message }],
        },
      ],
      'biascope/no-cross-layer': ['error', { folders, reason }],
    },
  };
}

export default defineConfig(
  {
    ignores: [
      'out/',
      'dist/',
      'node_modules/',
      'resources/',
      'bench/results/',
      'coverage/',
      'test/.tmp/',
      '.tmp/',
      '.node/',
    ],
  },
  tseslint.configs.recommended,
  svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        parser: tseslint.parser,
        extraFileExtensions: ['.svelte'],
      },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    plugins: { biascope: { rules: { 'no-cross-layer': noCrossLayer } } },
  },
  LAYERS.map(layerConfig),
);
