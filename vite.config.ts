import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Two pages, as a SMART app needs: launch.html (the EHR's launch URL) and
// index.html (the redirect URI, where the app itself runs).
export default defineConfig({
  // Relative asset URLs: the static build can be served from any path, not only a site's root.
  base: './',
  plugins: [react()],
  // fhirclient's "pure" build: modern browsers only, no fetch/core-js polyfills.
  define: { FHIRCLIENT_PURE: 'true' },
  build: {
    // No source maps in what is deployed: they would publish the source beside
    // the app, and the build's JavaScript must not point to any.
    sourcemap: false,
    rollupOptions: {
      input: {
        launch: resolve(import.meta.dirname, 'launch.html'),
        index: resolve(import.meta.dirname, 'index.html'),
      },
    },
  },
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
});
