// Bundles the portal into dist/ (served by the API at /portal/): one script, one stylesheet, the page.
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";

const out = "dist";
// Empty, not removed: the API serves this directory and keeps its handle.
mkdirSync(out, { recursive: true });
for (const entry of readdirSync(out)) {
  rmSync(`${out}/${entry}`, { recursive: true, force: true });
}
await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  format: "esm",
  target: "es2022",
  outfile: `${out}/app.js`,
  sourcemap: false,
  minify: false,
  legalComments: "none",
});
cpSync("public", out, { recursive: true });
console.log("portal built into dist/");
