// Fails when src/api/schema.d.ts is not what openapi-typescript generates from src/api/openapi.json.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "podium-api-"));
const fresh = join(dir, "schema.d.ts");
try {
  execFileSync("npx", ["openapi-typescript", "src/api/openapi.json", "-o", fresh], { stdio: "ignore" });
  if (readFileSync(fresh, "utf8") !== readFileSync("src/api/schema.d.ts", "utf8")) {
    console.error("src/api/schema.d.ts is out of date with src/api/openapi.json: run `npm run gen:api`");
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches src/api/openapi.json");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
