import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web UI's build: Preact through Vite's own JSX transform (Oxc), one hashed bundle into `dist/ui`, served
 * by the server's WebUiModule. `npm run build:ui`; `npm run build` runs it after the server's build.
 */
export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `npx vite --config ui/vite.config.ts`: hot reload, the API of a server running on the default port.
  server: { proxy: { '/api': 'http://127.0.0.1:4321' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
});
