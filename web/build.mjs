// Builds the join page and the dashboard into mcu-app's static resources, where the output is
// committed (the Maven build stays offline). Deterministic: no timestamps, no source maps, so
// CI can check that `npm ci && npm run build` reproduces the committed files byte for byte.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const out = '../mcu-app/src/main/resources/static';
await mkdir(out, { recursive: true });
await rm(`${out}/jssip.min.js`, { force: true }); // JsSIP is bundled into join.js now

await esbuild.build({
  entryPoints: {
    join: 'src/join/main.ts',
    dashboard: 'src/dashboard/main.ts',
    app: 'src/ui/app.css',
  },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15', 'edge100'],
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
});
await copyFile('src/join/index.html', `${out}/index.html`);
await copyFile('src/dashboard/dashboard.html', `${out}/dashboard.html`);
