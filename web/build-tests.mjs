// Compiles the unit tests (TypeScript) for node's own test runner: one ESM file per test.
import * as esbuild from 'esbuild';
import { readdir, rm } from 'node:fs/promises';

const tests = (await readdir('test')).filter((f) => f.endsWith('.test.ts')).map((f) => `test/${f}`);
await rm('build/test', { recursive: true, force: true });
await esbuild.build({
  entryPoints: tests,
  outdir: 'build/test',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
