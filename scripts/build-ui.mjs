#!/usr/bin/env node
// Builds the web console into dist/ui: compiles ui/src with tsc (JSX for Preact, no bundler), then copies the
// page, its CSS and the vendored ESM files (with their licences) that the page's import map points at.
// Preact and uPlot are devDependencies: only these copies ship. Fails when the console outgrows its budget.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "ui");
const require = createRequire(join(root, "package.json"));
/** The budget for everything the console ships, gzipped. */
const MAX_GZIPPED_BYTES = 150 * 1024;

rmSync(out, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [require.resolve("typescript/bin/tsc"), "-p", join(root, "ui", "tsconfig.json")],
  {
    stdio: "inherit",
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const packageDirectory = (name) => dirname(require.resolve(`${name}/package.json`));
const preact = packageDirectory("preact");
const uplot = packageDirectory("uplot");
const copies = [
  [join(root, "ui", "index.html"), "index.html"],
  [join(root, "ui", "console.css"), "console.css"],
  [join(preact, "dist", "preact.mjs"), "vendor/preact.mjs"],
  [join(preact, "hooks", "dist", "hooks.mjs"), "vendor/hooks.mjs"],
  [join(preact, "jsx-runtime", "dist", "jsxRuntime.mjs"), "vendor/jsxRuntime.mjs"],
  [join(preact, "LICENSE"), "vendor/preact-LICENSE.txt"],
  [join(uplot, "dist", "uPlot.esm.js"), "vendor/uPlot.esm.js"],
  [join(uplot, "dist", "uPlot.min.css"), "vendor/uPlot.min.css"],
  [join(uplot, "LICENSE"), "vendor/uPlot-LICENSE.txt"],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(from, join(out, to));
}

let raw = 0;
let gzipped = 0;
for (const name of readdirSync(out, { recursive: true })) {
  const file = join(out, name);
  if (!statSync(file).isFile()) continue;
  const bytes = readFileSync(file);
  raw += bytes.length;
  gzipped += gzipSync(bytes).length;
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
if (process.argv.includes("--report")) console.log(`dist/ui: ${kb(raw)}, ${kb(gzipped)} gzipped`);
if (gzipped > MAX_GZIPPED_BYTES) {
  console.error(`dist/ui is ${kb(gzipped)} gzipped, over the console's budget of ${kb(MAX_GZIPPED_BYTES)}`);
  process.exit(1);
}
