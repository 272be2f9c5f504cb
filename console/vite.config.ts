// The console's build. `npm run dev` serves it with hot reload and sends the API's requests
// (every POST, and the dated REST prefixes) to a running `stepwise serve` — STEPWISE_URL,
// default http://127.0.0.1:8083 — so the page talks to the same origin as in production.
/// <reference types="vitest/config" />
import { defineConfig } from "vite";

const target = process.env.STEPWISE_URL ?? "http://127.0.0.1:8083";

export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  // Vitest: the graph's unit tests; e2e/ is the browser suite (node --test).
  test: { include: ["src/**/*.test.ts"], environment: "node" },
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 400 },
  server: {
    proxy: {
      "^/\\d{4}-\\d{2}-\\d{2}/": { target },
      "/": {
        target,
        // Only the JSON 1.0 API's POST / goes to the server; page loads stay with Vite.
        bypass: (req) => (req.method === "POST" ? undefined : req.url),
      },
    },
  },
});
