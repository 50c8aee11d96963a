#!/usr/bin/env node
// Copies the parts of the provider API specs that the test suite validates against into
// test/fixtures/specs/, so that a fresh clone can run the tests without /work/shared.
// Run by hand when the shared specs change:  node scripts/vendor-specs.mjs [specsDir]
// The output is deterministic (same input, same bytes), so a re-run shows up in git only when a spec changed.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { extendAnthropicSchemas } from "./anthropic-schema-extensions.mjs";

const specsDir = resolve(process.argv[2] ?? "/work/shared/specs");
const outDir = resolve(dirname(fileURLToPath(import.meta.url)), "../test/fixtures/specs");
const REF_PREFIX = "#/components/schemas/";

// Provenance as stated in the shared specs README; the script refuses inputs whose hash differs, so the
// README it writes can never describe bytes other than the ones it read.
const SOURCES = {
  openai: {
    file: "openai/openapi.ajv.json",
    sha256: "c63dd1ae992faa5448b5f5e0e57073f9e173eb9e03a84cb82f47327624c47b88",
    origin:
      "repo `openai/openai-openapi`, path `openapi.json`, commit `f85dbe223d40e1a31cba812ab2d755c7e98a92a3` (2026-08-21), raw sha256 `bbfd19abcde0e7412da99378deb2a959ccdd3a812f97c9e35901921e8e973f9a`; licence MIT",
    derived:
      '`openapi.ajv.json` is the shared derived form: 88 typed `nullable: true` became `type: [T, "null"]` (with `null` added to `enum`), 23 untyped ones became `anyOf: [<schema>, {type: "null"}]`, 7 boolean `exclusiveMinimum/Maximum` became numeric bounds',
  },
  anthropic: {
    file: "anthropic/hosted_spec.ajv.json",
    sha256: "4f8781b2b188a2d97acae86cf593d25caefa10a0ae726a6ebbab00e4ad0eba00",
    origin:
      "repo `laszukdawid/anthropic-openapi-spec` (third-party mirror of the Stainless-hosted spec), path `hosted_spec.json`, commit `40cee51a705d03e98f78a5f831c6f0581b3ab71e` (file last changed 2024-11-04), raw sha256 `9da06d39f83f1dc2542cddaee65fcb5ec341cf337ec0b8e5f95f541d5a6287fc`; no licence file",
    derived:
      '`hosted_spec.ajv.json` is the shared derived form: one invalid `"type": null` removed from `components.schemas.Model`',
  },
  cohere: {
    file: "cohere/cohere-openapi.clean.json",
    sha256: "615c25e623d7cb567b5061a976b6e19e0b29ee68da1039338b466d5b4e72df04",
    origin:
      "repo `cohere-ai/cohere-developer-experience`, path `cohere-openapi.yaml`, commit `e814c8a1822f3b144b3708fdff14c3df0281e961` (file last changed 2026-08-20 in `ca56a6ff2fc0d0f7308ddfe86af2c431d52264a0`), raw sha256 `e5ae7eef854be23e4cd3177a6356b3482b08bd7b011f6156b85b83647ab69e74`; the repository states no licence",
    derived:
      "`cohere-openapi.clean.json` is the shared derived form: the 40 `x-fern-examples` blocks removed, converted from YAML to JSON",
  },
};

// Bedrock's model is botocore JSON (not OpenAPI): its shapes are copied as they are, and the tests read them
// with their own small validator (test/bedrock-shape-validator.ts).
const BEDROCK = {
  file: "bedrock/bedrock-runtime-2023-09-30.service-2.json",
  sha256: "618bf3a6f4cb6e4987a01bd8ea2ce1f070e854991c750c67babf03520315dead",
  origin:
    "repo `boto/botocore`, path `botocore/data/bedrock-runtime/2023-09-30/service-2.json`, commit `0e6e2404b85dc336dd2889814e089bde7d1a4c55` (2026-08-07; file last changed in `e3091ae01b90bb7fb4838f91a1fe545abbb47dd5`); licence Apache-2.0",
  roots: [
    "ConverseRequest",
    "ConverseResponse",
    "ConverseStreamRequest",
    "ConverseStreamOutput",
    "InvokeModelRequest",
  ],
};
// The OpenAI-compatible providers with an official spec (the others are checked against OpenAI's).
Object.assign(SOURCES, {
  mistral: {
    file: "mistral/openapi-public-doc.ajv.json",
    sha256: "c93d45bd0bbffca0422e0671d2a545778aabdf86a143a1eda814e280295822e6",
    origin:
      "repo `mistralai/platform-docs-public`, path `openapi-public-doc.yaml`, commit `222f4ba9114f84ce9f2d718b9a12fbac1e527f4b` (2026-08-21), raw sha256 `61436a496404607a7c27f7d2d45989bc51bd699d2106690fd6cc76a3a6c9b692`; licence Apache-2.0",
    derived:
      "`openapi-public-doc.ajv.json` is the shared derived form: 10 typed and 4 untyped `nullable` converted, and `data` removed from `ChatCompletionResponse.required` (no real response has it)",
  },
  together: {
    file: "together/openapi.ajv.json",
    sha256: "eb3bd2df42bd571c0b232b13d0b44fa56a75e9e55c07ed2ae2b8e282975a3bc9",
    origin:
      "repo `togethercomputer/openapi`, path `openapi.yaml`, commit `090263aa0fde006d9cd958bef52719958079bbc4` (2026-04-28), raw sha256 `38181aae39fbecc7e0cb2f43d7b6e7483a66f7942e096131e4ee58fb65703b04`; licence MIT",
    derived:
      "`openapi.ajv.json` is the shared derived form: 32 typed and 6 untyped `nullable` converted, 5 `nullable: false` dropped",
  },
  openrouter: {
    file: "openrouter/openapi.ajv.json",
    sha256: "eaa27f8cccc356c4e824b57cf871d9ff18c6946ac8c7322ea2711be6df0e8a54",
    origin:
      "repo `OpenRouterTeam/docs`, path `openapi/openapi.yaml`, commit `c26125a5fa92cb52ac67f0c75b717229567db716` (2026-08-22), raw sha256 `469fa24635e2e05617cfb064ded5f561a177859d054705f4c744644fd68068eb`; the repository states no licence",
    derived: "`openapi.ajv.json` is the shared derived form: one boolean `exclusiveMinimum` converted",
  },
  tgi: {
    file: "tgi/openapi.ajv.json",
    sha256: "799fa9fcec3b05c48c987b01844333dc845a3c00468cf1a83927cf15ab24b950",
    origin:
      "repo `huggingface/text-generation-inference`, path `docs/openapi.json`, commit `db931fcf42da018a3657580c64bf2720f167f9ab` (2026-01-08), raw sha256 `2b7899d65399cd86c393e6fb1fa4b028e678298d570a0a11ddbd8709894a159c`; licence Apache-2.0",
    derived: "`openapi.ajv.json` is the shared derived form: 54 typed and 9 untyped `nullable` converted",
  },
});

/**
 * A spec whose schemas the tests use as they are: the named component roots, plus `inline` roots taken from
 * elsewhere in the spec (`{Name: {from: "<where, for the README>", get: (spec) => schema}}`), and what they
 * reference.
 */
function vendorRoots(provider, names, inline = {}) {
  const spec = readSource(provider);
  const { schemas } = spec.components;
  const roots = pick(schemas, names);
  const notes = ["The roots are copied unchanged."];
  for (const [name, { from, get }] of Object.entries(inline)) {
    roots[name] = get(spec);
    notes.push(`\`${name}\` = ${from}, unchanged.`);
  }
  return { schemas: closure(roots, schemas), notes };
}

function vendorMistral() {
  return vendorRoots("mistral", [
    "ChatCompletionRequest",
    "ChatCompletionResponse",
    "CompletionChunk",
    "EmbeddingRequest",
    "EmbeddingResponse",
  ]);
}

function vendorTogether() {
  const vendored = vendorRoots("together", [
    "ChatCompletionRequest",
    "ChatCompletionResponse",
    "ChatCompletionChunk",
    "CompletionRequest",
    "CompletionResponse",
    "CompletionChunk",
    "EmbeddingsRequest",
    "EmbeddingsResponse",
    "ErrorData",
  ]);
  // The spec types a named `tool_choice` as its tool-call object (`id` and `index` required), which no client
  // sends; Together documents OpenAI's `{"type": "function", "function": {"name"}}`
  // (https://docs.together.ai/docs/function-calling). That form is added as a branch of its own.
  const request = structuredClone(vendored.schemas.ChatCompletionRequest);
  request.properties.tool_choice.oneOf.push({
    type: "object",
    required: ["type", "function"],
    properties: {
      type: { type: "string", enum: ["function"] },
      function: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
    },
    additionalProperties: false,
  });
  vendored.schemas.ChatCompletionRequest = request;
  vendored.notes.push(
    '`ChatCompletionRequest.tool_choice` **extended**: the spec types a named choice as its tool-call object (`ToolChoice`, with `id` and `index` required), which no client sends; OpenAI\'s `{type: "function", function: {name}}`, which Together documents (https://docs.together.ai/docs/function-calling), is added as a third `oneOf` branch.',
  );
  return vendored;
}

function vendorTgi() {
  return vendorRoots("tgi", [
    "ChatRequest",
    "ChatCompletion",
    "ChatCompletionChunk",
    "CompletionRequest",
    "CompletionFinal",
    "Chunk",
    "ErrorResponse",
  ]);
}

/** OpenRouter's embeddings schemas are inline in the path; they become roots of their own. */
function vendorOpenRouter() {
  const embeddings = (spec) => spec.paths["/embeddings"].post;
  return vendorRoots(
    "openrouter",
    ["ChatRequest", "ChatResult", "ChatStreamChunk", "BadRequestResponseErrorData"],
    {
      EmbeddingsRequest: {
        from: "`paths['/embeddings'].post.requestBody.content['application/json'].schema`",
        get: (spec) => embeddings(spec).requestBody.content["application/json"].schema,
      },
      EmbeddingsResponse: {
        from: "`paths['/embeddings'].post.responses['200'].content['application/json'].schema`",
        get: (spec) => embeddings(spec).responses["200"].content["application/json"].schema,
      },
    },
  );
}

const COHERE_EXAMPLES = [
  "requests/chat-v2-post_stream.yaml",
  "responses/chat-v2-post_stream.yaml",
  "requests/chat-v2-post_stream-tools.yaml",
  "responses/chat-v2-post_stream-tools.yaml",
];

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

function readSource(provider) {
  const { file, sha256: expected } = SOURCES[provider];
  const bytes = readFileSync(join(specsDir, file));
  const actual = sha256(bytes);
  if (actual !== expected) throw new Error(`${file}: sha256 ${actual}, expected ${expected}`);
  return JSON.parse(bytes.toString("utf8"));
}

/** Every component name referenced from `value`: `$ref`s, and discriminator mappings (so that a validator
 * with discriminator support enabled can also resolve them). */
function referencedNames(value) {
  const names = [];
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    for (const [key, child] of Object.entries(node)) {
      if (key === "$ref" && typeof child === "string") {
        if (!child.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${child}`);
        names.push(child.slice(REF_PREFIX.length));
      } else if (key === "discriminator" && child && typeof child.mapping === "object") {
        for (const target of Object.values(child.mapping)) names.push(target.slice(REF_PREFIX.length));
      } else visit(child);
    }
  };
  visit(value);
  return names;
}

/** The given roots plus the transitive closure of the components they reference, sorted by name. */
function closure(roots, components) {
  const out = { ...roots };
  const pending = Object.values(roots).flatMap(referencedNames);
  while (pending.length > 0) {
    const name = pending.pop();
    if (name in out) continue;
    const schema = components[name];
    if (schema === undefined) throw new Error(`missing component ${name}`);
    out[name] = schema;
    pending.push(...referencedNames(schema));
  }
  return Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((name) => [name, out[name]]),
  );
}

function pick(components, names) {
  return Object.fromEntries(names.map((name) => [name, components[name]]));
}

function vendorOpenAI() {
  const { schemas } = readSource("openai").components;
  const roots = pick(schemas, [
    "CreateChatCompletionRequest",
    "CreateChatCompletionResponse",
    "CreateChatCompletionStreamResponse",
    "CreateCompletionRequest",
    "CreateCompletionResponse",
    "CreateEmbeddingRequest",
    "CreateEmbeddingResponse",
    "ListModelsResponse",
    "Model",
    "ErrorResponse",
    // The Responses API (POST /responses, its stream events, GET /responses/{id}/input_items).
    "CreateResponse",
    "Response",
    "ResponseStreamEvent",
    "ResponseItemList",
  ]);
  const vendored = closure(roots, schemas);
  // Both EasyInputMessage and Item's InputMessage take a `{"type": "message", "role", "content": [parts]}` item,
  // so the `oneOf` rejects the message items Codex and the SDKs send; `anyOf` keeps every other check.
  vendored.InputItem = { ...vendored.InputItem, anyOf: vendored.InputItem.oneOf };
  delete vendored.InputItem.oneOf;
  return {
    schemas: vendored,
    notes: [
      "The roots are copied unchanged, but for one fix.",
      '`InputItem` (used by `CreateResponse.input`) **rewritten** from `oneOf` to `anyOf`: a message item with `type: "message"` and a content list fits both EasyInputMessage and Item\'s InputMessage, so the `oneOf` rejected the message items Codex and the official SDKs send.',
    ],
  };
}

function vendorAnthropic() {
  const { schemas } = readSource("anthropic").components;
  const roots = pick(schemas, [
    "CreateMessageParams",
    "Message",
    "MessageStreamEvent",
    "ErrorResponse",
    // Not referenced by the 2024 roots; the extensions below use it.
    "CacheControlEphemeral",
  ]);
  // Copies, so that the extensions never change the source objects.
  const vendored = structuredClone(closure(roots, schemas));
  const notes = extendAnthropicSchemas(vendored);
  const sorted = Object.fromEntries(
    Object.keys(vendored)
      .sort()
      .map((name) => [name, vendored[name]]),
  );
  return { schemas: sorted, notes: ["The roots are copied unchanged, then extended as follows.", ...notes] };
}

/** Cohere's stream events all share one `type` enum, so a plain `oneOf` matches several branches and
 * rejects every event; the discriminator mapping is what tells them apart. */
function discriminatedByType(union) {
  const { propertyName, mapping } = union.discriminator;
  return {
    description: union.description,
    type: "object",
    required: [propertyName],
    properties: { [propertyName]: { type: "string", enum: Object.keys(mapping) } },
    allOf: Object.entries(mapping).map(([value, $ref]) => ({
      if: { properties: { [propertyName]: { const: value } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: { $ref },
    })),
  };
}

function vendorCohere() {
  const spec = readSource("cohere");
  const { schemas } = spec.components;
  const chat = spec.paths["/v2/chat"].post;
  const embed = spec.paths["/v2/embed"].post;
  const json = (content) => content["application/json"].schema;
  const [chatResponse, streamEvent] = json(chat.responses["200"].content).oneOf;
  if (chatResponse.$ref !== `${REF_PREFIX}ChatResponseV2`) throw new Error("unexpected /v2/chat 200 shape");
  if (streamEvent.$ref !== `${REF_PREFIX}StreamedChatResponseV2`) throw new Error("unexpected stream schema");
  const embedResponse = structuredClone(schemas.EmbedByTypeResponse);
  if (json(embed.responses["200"].content).$ref !== `${REF_PREFIX}EmbedByTypeResponse`) {
    throw new Error("unexpected /v2/embed 200 shape");
  }
  embedResponse.required = embedResponse.required.filter((key) => key !== "api_version");
  const errorResponse = json(spec.components.responses.BadRequest.content);
  const roots = {
    V2ChatRequest: json(chat.requestBody.content),
    V2ChatResponse: chatResponse,
    V2ChatStreamEvent: discriminatedByType(schemas.StreamedChatResponseV2),
    V2EmbedRequest: json(embed.requestBody.content),
    V2EmbedResponse: embedResponse,
    ErrorResponse: errorResponse,
  };
  const vendored = closure(roots, schemas);
  // The same defect inside the request: both response formats take the one `ResponseFormatTypeV2` enum.
  vendored.ResponseFormatV2 = discriminatedByType(schemas.ResponseFormatV2);
  return {
    schemas: vendored,
    notes: [
      "`V2ChatRequest` = `paths['/v2/chat'].post.requestBody.content['application/json'].schema`, unchanged.",
      "`ResponseFormatV2` (used by `V2ChatRequest`) **rewritten** the same way as `V2ChatStreamEvent` below: its two branches share the `ResponseFormatTypeV2` enum, so the `oneOf` matched both and rejected every `response_format`.",
      "`V2ChatResponse` = the first branch of the `/v2/chat` 200 `oneOf`, i.e. `{$ref: ChatResponseV2}` (the non-streamed body).",
      "`V2ChatStreamEvent` = `StreamedChatResponseV2` (the second branch of that `oneOf`; the spec declares no `text/event-stream` content, the stream is described by `x-fern-streaming.response-stream`, which is identical) **rewritten**: its branches all share one `type` enum, so the `oneOf` matched several branches and rejected every event. It becomes `type` required and in the mapping's keys, plus one `if {type: const K} then {$ref: mapping[K]}` per discriminator mapping entry.",
      "`V2EmbedRequest` = `paths['/v2/embed'].post.requestBody.content['application/json'].schema`, unchanged.",
      "`V2EmbedResponse` = a copy of `EmbedByTypeResponse` (the `/v2/embed` 200 schema) with `api_version` **removed from `required`**: the spec lists it as a top-level key, but real responses carry it in `meta.api_version` (defect noted in the shared README).",
      "`ErrorResponse` = `components.responses.BadRequest.content['application/json'].schema` (`{message, id}`); every error response in the spec has the same properties.",
    ],
  };
}

/** The shapes reachable from the roots (members, list members, map keys and values), keys sorted. */
function vendorBedrock() {
  const bytes = readFileSync(join(specsDir, BEDROCK.file));
  const actual = sha256(bytes);
  if (actual !== BEDROCK.sha256)
    throw new Error(`${BEDROCK.file}: sha256 ${actual}, expected ${BEDROCK.sha256}`);
  const model = JSON.parse(bytes.toString("utf8"));
  const out = {};
  const pending = [...BEDROCK.roots];
  while (pending.length > 0) {
    const name = pending.pop();
    if (name in out) continue;
    const shape = model.shapes[name];
    if (shape === undefined) throw new Error(`missing shape ${name}`);
    out[name] = shape;
    for (const member of Object.values(shape.members ?? {})) pending.push(member.shape);
    for (const key of ["member", "key", "value"]) if (shape[key]) pending.push(shape[key].shape);
  }
  const shapes = Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((name) => [name, out[name]]),
  );
  const operations = Object.fromEntries(
    ["Converse", "ConverseStream", "InvokeModel"].map((name) => [name, model.operations[name]]),
  );
  const text = `${JSON.stringify({ metadata: model.metadata, operations, shapes })}\n`;
  writeFileSync(join(outDir, "bedrock.shapes.json"), text);
  return { count: Object.keys(shapes).length, hash: sha256(text) };
}

function writeCompact(name, schemas) {
  const text = `${JSON.stringify({ components: { schemas } })}\n`;
  writeFileSync(join(outDir, name), text);
  return sha256(text);
}

function copyCohereExamples() {
  const hashes = {};
  for (const path of COHERE_EXAMPLES) {
    const target = join(outDir, "cohere-examples", path);
    mkdirSync(dirname(target), { recursive: true });
    // Not copyFileSync: it would carry over the shared files' read-only mode and break the next run.
    const bytes = readFileSync(join(specsDir, "cohere/examples", path));
    writeFileSync(target, bytes);
    hashes[path] = sha256(bytes);
  }
  return hashes;
}

function readme(results, exampleHashes, bedrock) {
  const sections = Object.entries(results).map(([provider, { file, schemas, notes, hash }]) => {
    const source = SOURCES[provider];
    return [
      `## ${file}`,
      "",
      `- Source: ${source.origin}.`,
      `- Read from: \`${source.file}\` of the shared specs, sha256 \`${source.sha256}\` (checked by the script). ${source.derived}.`,
      `- Derivation: the root schemas below plus the transitive closure of every \`$ref\` (and discriminator mapping target) they use, kept under \`components.schemas\` so that \`#/components/schemas/X\` refs still resolve; written as compact JSON with keys of \`components.schemas\` sorted.`,
      ...notes.map((note) => `  - ${note}`),
      `- Components (${Object.keys(schemas).length}): ${Object.keys(schemas).join(", ")}.`,
      `- Output sha256 \`${hash}\`.`,
      "",
    ].join("\n");
  });
  const examples = Object.entries(exampleHashes).map(([path, hash]) => {
    // The shared copy flattened `<endpoint>/<name>.yaml` to `<endpoint>_<name>.yaml`.
    const [kind, name] = path.split("/");
    const original = `snippets/snippets/${kind}/${name.replace("_", "/")}`;
    return `- \`cohere-examples/${path}\`: byte-identical copy of the shared \`cohere/examples/${path}\` (\`${original}\` in the Cohere repo), sha256 \`${hash}\`.`;
  });
  return [
    "# Vendored provider spec schemas (generated)",
    "",
    "Written by `node scripts/vendor-specs.mjs [specsDir]` from the shared provider specs (taken 2026-11-25). Do not edit by hand: change the script and re-run it.",
    "",
    "Licence: the OpenAI spec is MIT; the Bedrock model is Apache-2.0; the Cohere repository states no licence; the Anthropic file comes from a third-party repository with no licence file (its extensions are written from the Apache-2.0 Anthropic SDK's types); Mistral and TGI are Apache-2.0, Together MIT; the OpenRouter docs repository states no licence. **Internal test data only**: used by the tests as an oracle, never shipped (the package `files` list excludes `test/`).",
    "",
    ...sections,
    "## bedrock.shapes.json",
    "",
    `- Source: ${BEDROCK.origin}. The official AWS service model (botocore JSON, protocol rest-json, signing name \`bedrock\`), not OpenAPI.`,
    `- Read from: \`${BEDROCK.file}\` of the shared specs, sha256 \`${BEDROCK.sha256}\` (checked by the script).`,
    `- Derivation: \`metadata\`, the operations Converse, ConverseStream and InvokeModel, and the ${bedrock.count} shapes reachable from ${BEDROCK.roots.join(", ")} (through structure members, list members and map keys and values), copied unchanged, keys sorted, compact JSON.`,
    `- Output sha256 \`${bedrock.hash}\`.`,
    "",
    "## cohere-examples/",
    "",
    "Recorded request/response pairs from repo `cohere-ai/cohere-developer-experience`, commit `e814c8a1822f3b144b3708fdff14c3df0281e961`; the repository states no licence. Used as stream fixtures by the mock upstream self-tests.",
    "",
    ...examples,
    "",
  ].join("\n");
}

mkdirSync(outDir, { recursive: true });
const results = {};
for (const [provider, vendor] of [
  ["openai", vendorOpenAI],
  ["anthropic", vendorAnthropic],
  ["cohere", vendorCohere],
  ["mistral", vendorMistral],
  ["together", vendorTogether],
  ["openrouter", vendorOpenRouter],
  ["tgi", vendorTgi],
]) {
  const { schemas, notes } = vendor();
  const file = `${provider}.schemas.json`;
  results[provider] = { file, schemas, notes, hash: writeCompact(file, schemas) };
  console.log(`${file}: ${Object.keys(schemas).length} schemas`);
}
const bedrock = vendorBedrock();
console.log(`bedrock.shapes.json: ${bedrock.count} shapes`);
writeFileSync(join(outDir, "README.md"), readme(results, copyCohereExamples(), bedrock));
console.log(`wrote ${outDir}`);
