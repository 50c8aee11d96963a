#!/usr/bin/env node
// Generates Switchyard's vendored price table, src/governance/prices/builtin-prices.json, from the data that
// the genai-prices npm package (@pydantic/genai-prices, MIT, Pydantic Services Inc.) ships, pinned in
// package.json's devDependencies; never fetched at run time. Then cross-checks it against a snapshot of
// LiteLLM's price map (scripts/price-sources/, MIT, Berri AI) and writes what disagrees into the provenance.
//
//   node scripts/generate-price-table.mjs            # regenerate (after bumping the package)
//   node scripts/generate-price-table.mjs --check    # exit 1 when the committed table is not what it generates
//
// Output is deterministic: the same package version gives the same bytes.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
// The package exports only its entry point; its folder is two levels above it (dist/index.cjs).
const packageDir = resolve(dirname(require.resolve("@pydantic/genai-prices")), "..");
const packageJson = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const tableFile = join(root, "src/governance/prices/builtin-prices.json");
const provenanceFile = join(root, "src/governance/prices/PROVENANCE.md");

/** The package bundles its data as the first array literal of dist/index.js; it is plain data (no calls). */
function readPackageData() {
  const source = readFileSync(join(packageDir, "dist/index.js"), "utf8");
  const start = source.indexOf("[", source.indexOf("const "));
  let depth = 0;
  let quote = null;
  let escaped = false;
  let end = start;
  for (; end < source.length; end++) {
    const char = source[end];
    if (quote !== null) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'" || char === "`") quote = char;
    else if (char === "[") depth++;
    else if (char === "]" && --depth === 0) break;
  }
  const data = new Function(`return ${source.slice(start, end + 1)}`)();
  if (
    !Array.isArray(data) ||
    !data.every((provider) => typeof provider.id === "string" && Array.isArray(provider.models))
  )
    throw new Error(
      "the package's data is not the provider list this script expects; check the package version",
    );
  return data;
}

/** genai-prices price keys -> ours (USD per million tokens; `request_per_k` per thousand requests). */
const KEYS = {
  input_mtok: "input",
  output_mtok: "output",
  cache_read_mtok: "cache_read",
  cache_write_mtok: "cache_write",
  cache_write_1h_mtok: "cache_write_1h",
  output_reasoning_mtok: "reasoning",
  requests_kcount: "request_per_k",
};

/** A price as a decimal string: exact, and parsed to integer nano-USD at load. */
function decimal(value) {
  return Number(value.toPrecision(12)).toString();
}

function convertPrices(prices) {
  const out = {};
  for (const [key, ours] of Object.entries(KEYS)) {
    const value = prices[key];
    if (value === undefined) continue;
    out[ours] =
      typeof value === "number"
        ? decimal(value)
        : {
            base: decimal(value.base),
            tiers: value.tiers.map((tier) => ({ above: tier.start, price: decimal(tier.price) })),
          };
  }
  return out;
}

/**
 * Price history: entries valid from a date. Time-of-day variants (off-peak discounts) are left out: the
 * standard price is kept, so a cost is never lower than what the provider may bill.
 */
function convertModel(model) {
  const variants = Array.isArray(model.prices) ? model.prices : [{ prices: model.prices }];
  const history = [];
  for (const variant of variants) {
    const constraint = variant.constraint;
    if (constraint?.type === "time_of_date") continue;
    const entry = convertPrices(variant.prices);
    if (Object.keys(entry).length === 0) continue;
    history.push({ since: constraint?.start_date ?? null, ...entry });
  }
  history.sort((a, b) => (a.since ?? "").localeCompare(b.since ?? ""));
  return { id: model.id, match: model.match, prices: history };
}

const data = readPackageData();
const providers = data
  .map((provider) => ({
    id: provider.id,
    ...(provider.model_match === undefined ? {} : { model_match: provider.model_match }),
    models: provider.models.map(convertModel).filter((model) => model.prices.length > 0),
  }))
  .filter((provider) => provider.models.length > 0)
  .sort((a, b) => a.id.localeCompare(b.id));
const body = JSON.stringify(providers);
const sha256 = createHash("sha256").update(body).digest("hex");
const version = `genai-prices-${packageJson.version}+${sha256.slice(0, 8)}`;
const table = {
  version,
  source: `@pydantic/genai-prices ${packageJson.version} (npm), MIT, Copyright (c) Pydantic Services Inc.`,
  sha256,
  providers,
};
// One model per line: small, and a price change is a one-line diff.
const tableText = `${JSON.stringify({ ...table, providers: [] }).replace(
  '"providers":[]',
  `"providers":[\n${providers
    .map(
      (provider) =>
        `${JSON.stringify({ ...provider, models: [] }).replace(
          '"models":[]',
          `"models":[\n${provider.models.map((model) => JSON.stringify(model)).join(",\n")}\n]`,
        )}`,
    )
    .join(",\n")}\n]`,
)}\n`;

/** Cross-check with LiteLLM's map: input and output per million tokens, against every price in the history. */
function crossCheck() {
  const snapshot = JSON.parse(
    readFileSync(join(root, "scripts/price-sources/litellm-snapshot.json"), "utf8"),
  );
  const rows = [];
  let compared = 0;
  for (const [model, entry] of Object.entries(snapshot)) {
    const found = findModel(model);
    if (found === undefined) continue;
    compared++;
    for (const bucket of ["input", "output"]) {
      const theirs = entry[`${bucket}_per_mtok`];
      if (theirs === undefined) continue;
      const ours = found.prices.map((price) => price[bucket]).filter((value) => typeof value === "string");
      const agrees =
        (theirs === 0 && ours.length === 0) ||
        ours.some((value) => Math.abs(Number(value) - theirs) <= 0.05 * Math.max(theirs, 1e-9));
      if (!agrees) rows.push(`| ${model} | ${bucket} | ${ours.join(", ") || "none"} | ${theirs} |`);
    }
  }
  return { compared, rows };
}

function findModel(model) {
  for (const provider of providers)
    for (const entry of provider.models) if (matches(entry.match, model.toLowerCase())) return entry;
  return undefined;
}

function matches(logic, model) {
  if ("equals" in logic) return model === logic.equals;
  if ("starts_with" in logic) return model.startsWith(logic.starts_with);
  if ("ends_with" in logic) return model.endsWith(logic.ends_with);
  if ("contains" in logic) return model.includes(logic.contains);
  if ("regex" in logic) return new RegExp(logic.regex).test(model);
  if ("or" in logic) return logic.or.some((inner) => matches(inner, model));
  if ("and" in logic) return logic.and.every((inner) => matches(inner, model));
  return false;
}

const { compared, rows } = crossCheck();
const provenance = `# The vendored price table

\`builtin-prices.json\` is generated by \`scripts/generate-price-table.mjs\`; do not edit it by hand.

- Version: \`${version}\` (stamped on every usage record as \`price_version\`).
- Source: the data bundled in the npm package \`@pydantic/genai-prices\` ${packageJson.version}
  (https://github.com/pydantic/genai-prices), licence MIT, Copyright (c) Pydantic Services Inc.
  Pinned in package.json's devDependencies; the table is never fetched at run time.
- sha256 of the providers list: \`${sha256}\`.
- Kept: prices per million tokens of input, output, cache reads, cache writes (5 minutes and 1 hour),
  reasoning output where priced apart, per-request prices, long-context tiers, and the price history
  (\`since\` dates). Left out: time-of-day discounts (the standard price is kept), media, search and
  document prices.

## Cross-check with LiteLLM's map

Against \`scripts/price-sources/litellm-snapshot.json\`, an extract of LiteLLM's
\`model_prices_and_context_window.json\` (licence MIT, Copyright (c) 2023 Berri AI) as bundled in the npm
package \`llm-cost\` 1.0.5 (file sha256 \`e5d05bc8c1ac0aca8b99a384e94971579f482a833ab772cb91b14e498c42684e\`). The
snapshot is older than the table, so a model whose price changed since then disagrees unless the table's
history holds the old price. ${compared} models compared; input and output per million tokens agree within 5%
except:

| model | bucket | this table (USD / Mtok, history) | LiteLLM snapshot |
| --- | --- | --- | --- |
${rows.join("\n")}
`;

if (process.argv.includes("--check")) {
  const current = readFileSync(tableFile, "utf8");
  if (current !== tableText) {
    process.stderr.write("builtin-prices.json is not what scripts/generate-price-table.mjs generates\n");
    process.exit(1);
  }
  process.stdout.write(`price table ${version} is up to date\n`);
} else {
  writeFileSync(tableFile, tableText);
  writeFileSync(provenanceFile, provenance);
  process.stdout.write(
    `wrote ${tableFile} (${version}, ${tableText.length} bytes); ${rows.length} cross-check disagreements\n`,
  );
}
