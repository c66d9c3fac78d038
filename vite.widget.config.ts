// Builds the embeddable widget in two passes, chosen by --mode (run from the project root):
//   loader: web/widget/loader.ts -> dist/widget.js, one dependency-free IIFE for customers' <script> tags
//   frame:  web/widget/frame.html -> dist/widget/frame.html + dist/widget/assets/* (Preact app in the iframe)
// dist/ also holds the agent app, so neither pass empties it: the loader writes one file, the frame
// clears only dist/widget/.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => {
  if (mode === 'loader') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        copyPublicDir: false,
        lib: {
          entry: 'web/widget/loader.ts',
          formats: ['iife'],
          name: 'ParleyLoader',
          fileName: () => 'widget.js',
        },
      },
    };
  }
  if (mode === 'frame') {
    return {
      root: 'web/widget',
      // The frame is served at /widget/frame.html; its assets must resolve under /widget/ too.
      base: '/widget/',
      publicDir: false,
      plugins: [preact()],
      build: {
        // Relative to root: dist/widget.
        outDir: '../../dist/widget',
        emptyOutDir: true,
        // Relative to the working directory, unlike outDir.
        rolldownOptions: { input: 'web/widget/frame.html' },
      },
    };
  }
  throw new Error('vite.widget.config.ts: build with --mode loader or --mode frame');
});
