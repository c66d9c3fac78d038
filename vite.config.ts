// Builds the agent app (web/app) into dist/: dist/index.html plus dist/assets/*.
// dist/ is shared with the widget build (dist/widget.js, dist/widget/**), so it is never emptied:
// before building we delete only what this build owns (index.html and assets/).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

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

export default defineConfig({
  root: 'web/app',
  base: '/',
  publicDir: false,
  plugins: [preact(), cleanOwnOutput()],
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
