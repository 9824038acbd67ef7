import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The window's UI: built into dist/renderer with relative paths, so Electron can load it from a file
// and the headless host can serve it under any path. No remote resources and no inline scripts, so
// the Content-Security-Policy in index.html (script-src 'self') holds.
// (No Node imports here: test/architecture/boundaries.test.ts keeps renderer/ free of them.)
const root = import.meta.dirname;

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${root}/../dist/renderer`,
    emptyOutDir: true,
    // Inlined assets would be data: URLs; keep every asset a file of its own.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { fs: { allow: [`${root}/..`] } },
});
