// @ts-check
import { builtinModules } from 'node:module';
import path from 'node:path';
import svelte from 'eslint-plugin-svelte';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { LAYERS, forbiddenLayers, isInPath, layerGlobs } from './scripts/layers.js';

const root = import.meta.dirname;

const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));

/**
 * What a layer may not import besides other layers (those come from scripts/layers.js):
 * `packages` are bare specifiers (and their subpaths), `nodeBuiltins` adds every Node module.
 * @type {Record<string, { nodeBuiltins: boolean; packages: string[] }>}
 */
const PACKAGES = {
  shared: { nodeBuiltins: true, packages: ['electron', 'better-sqlite3'] },
  renderer: { nodeBuiltins: true, packages: ['electron', 'better-sqlite3'] },
  engine: { nodeBuiltins: false, packages: ['better-sqlite3'] },
};

/**
 * Reports relative imports that resolve into a forbidden folder (or file): static imports
 * (type-only included), `export ... from`, `import()` with a literal path, `import('...')`
 * types and `import x = require('...')`.
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

    /** @param {any} node  a module specifier: a string literal or a template without expressions */
    const check = (node) => {
      if (!node) return;
      let source;
      if (node.type === 'Literal' && typeof node.value === 'string') source = node.value;
      else if (node.type === 'TemplateLiteral' && node.expressions.length === 0) source = node.quasis[0].value.cooked;
      // TypeScript's `import('...')` type wraps its literal
      else if (node.type === 'TSLiteralType') return check(node.literal);
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(from, source);
      const hit = forbidden.find((dir) => isInPath(target, dir));
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
      /** @param {any} node */
      TSImportType: (node) => check(node.source ?? node.argument),
      /** @param {any} node */
      TSExternalModuleReference: (node) => check(node.expression),
    };
  },
};

/**
 * @param {import('./scripts/layers.js').Layer} layer
 * @returns {import('eslint').Linter.Config}
 */
function layerConfig(layer) {
  const { reason } = layer;
  const folders = forbiddenLayers(layer).flatMap((other) => other.paths);
  /** @type {import('eslint').Linter.RulesRecord} */
  const rules = { 'biascope/no-cross-layer': ['error', { folders, reason }] };
  const restricted = PACKAGES[layer.name];
  if (restricted) {
    const { nodeBuiltins, packages } = restricted;
    const message = `${reason}.`;
    const names = [...packages, ...(nodeBuiltins ? NODE_BUILTINS : [])];
    const patterns = [...packages.map((name) => `${name}/*`), ...(nodeBuiltins ? ['node:*'] : [])];
    rules['no-restricted-imports'] = [
      'error',
      { paths: names.map((name) => ({ name, message })), patterns: [{ group: patterns, message }] },
    ];
  }
  return { files: layerGlobs(layer), rules };
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
