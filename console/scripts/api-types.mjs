// API types from the services' OpenAPI documents (`make docs` writes them into docs/api/):
//   node scripts/api-types.mjs [docs/api]
// The generated files are committed, so building the console needs no running service, and a
// changed API breaks `tsc --noEmit` here instead of the console's users.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const docs = resolve(process.argv[2] ?? "../docs/api");
const services = { client: "client-service", access: "access-service", notifier: "notifier-service", connector: "connector-service", orders: "order-intake-service", mapping: "mapping-service" };
for (const [name, service] of Object.entries(services)) {
  const input = resolve(docs, `${service}.openapi.json`);
  if (!existsSync(input)) throw new Error(`${input} is missing: run make docs`);
  execFileSync("npx", ["openapi-typescript", input, "-o", `src/api/generated/${name}.ts`], { stdio: "inherit" });
}
