import { defineConfig } from "vitest/config";

// The page is served by the Tauri binary from dist/ (tauri.conf.json: frontendDist), never
// from a dev server: what the tests and the officer see is the same build.
export default defineConfig({
  root: ".",
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
