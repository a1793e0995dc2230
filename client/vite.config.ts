import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// In development the API runs separately on port 4000; the built client is served by the API itself.
const apiOrigin = 'http://localhost:4000';

export default defineConfig({
  plugins: [solid()],
  server: {
    proxy: {
      '/graphql': { target: apiOrigin, ws: true, changeOrigin: true },
    },
  },
  build: { target: 'es2022' },
});
