import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Served by the gateway under /console/ (deploy/gateway.sh); the invitation page also
// answers at /invitations/accept, so asset URLs are absolute.
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: { outDir: "dist", sourcemap: false },
  server: {
    // `npm run dev`: the APIs through the local gateway (make up)
    proxy: Object.fromEntries(
      ["/auth", "/clients", "/invitations/inspect", "/emails", "/.well-known"].map((p) => [
        p,
        { target: "http://127.0.0.1:8080", changeOrigin: false },
      ]),
    ),
  },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
