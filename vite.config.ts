// Builds the agent app (web/app) into dist/: dist/index.html plus dist/assets/*.
// dist/ is shared with the widget build (dist/widget.js, dist/widget/**), so it is never emptied:
// before building we delete only what this build owns (index.html and assets/).
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { themeAttribute } from './web/theme-attribute';

const dist = fileURLToPath(new URL('./dist', import.meta.url));

/** Removes the previous agent-app build output, leaving the widget's files alone. */
function cleanOwnOutput(): Plugin {
  return {
    name: 'parley-clean-app-output',
    apply: 'build',
    buildStart() {
      rmSync(`${dist}/index.html`, { force: true });
      rmSync(`${dist}/assets`, { recursive: true, force: true });
    },
  };
}

/**
 * dist/_headers: the static-assets server's headers for what it serves without running the Worker
 * (wrangler.toml run_worker_first excludes the hashed bundles and the widget loader). Everything else
 * gets these and more from the Worker (worker/http/security-headers.ts). Not itself served.
 */
function assetHeaders(): Plugin {
  return {
    name: 'parley-asset-headers',
    apply: 'build',
    writeBundle() {
      const nosniff = '  X-Content-Type-Options: nosniff\n  Referrer-Policy: same-origin\n';
      writeFileSync(`${dist}/_headers`, ['/assets/*', '/widget/assets/*', '/widget.js'].map((path) => `${path}\n${nosniff}`).join(''));
    },
  };
}

export default defineConfig({
  root: 'web/app',
  base: '/',
  // web/app/public: the service worker (/sw.js, scope /), the web app manifest and its icons, copied to dist/ as they are.
  publicDir: 'public',
  plugins: [preact(), cleanOwnOutput(), assetHeaders()],
  // The profile's theme (data-theme on <html>) overrides the system's light or dark.
  css: { postcss: { plugins: [themeAttribute()] } },
  build: {
    outDir: dist,
    emptyOutDir: false,
    assetsDir: 'assets',
    target: 'es2022',
    // The budget is checked by bench/size.mjs; keep vite quiet about it.
    chunkSizeWarningLimit: 400,
  },
  // `vite` (dev) serves the app with hot reload and sends the API to a running `npm start`.
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8787', ws: true },
      '/widget': { target: 'http://127.0.0.1:8787', ws: true },
      '/demo': 'http://127.0.0.1:8787',
    },
  },
});
