import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built by `vite build console` (this folder is the root) into console/dist, which the
// service serves at /app (src/console-assets.ts).
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
