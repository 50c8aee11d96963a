import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveSecretReference } from "./secret-reference.js";

// `~/` is expanded with os.homedir(); the tests point it at a temporary folder rather than the real home.
const home = vi.hoisted(() => ({ directory: "" }));
vi.mock("node:os", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:os")>();
  return { ...original, homedir: () => home.directory };
});

let root: string;
let configDirectory: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "switchyard-secret-reference-"));
  configDirectory = join(root, "config");
  home.directory = join(root, "home");
  mkdirSync(join(configDirectory, "keys"), { recursive: true });
  mkdirSync(join(home.directory, ".keys"), { recursive: true });
  const files: Record<string, string> = {
    "config/keys/newline.key": "sk-newline\n",
    "config/keys/crlf.key": "sk-crlf\r\n",
    "config/keys/bare.key": "sk-bare",
    "config/keys/two-newlines.key": "sk-two\n\n",
    "config/keys/inner-space.key": "  sk spaced  \n",
    "config/keys/empty.key": "",
    "config/keys/blank.key": " \n",
    "config/top.key": "sk-top\n",
    "outside.key": "sk-outside\n",
    "home/.keys/openai": "sk-home\n",
  };
  for (const [path, contents] of Object.entries(files)) writeFileSync(join(root, path), contents);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const resolveIn = (reference: string, env: NodeJS.ProcessEnv = {}) =>
  resolveSecretReference(reference, configDirectory, env);

describe("resolveSecretReference: environment variables", () => {
  const env = { OPENAI_API_KEY: "sk-env", _UNDERSCORED_1: "sk-underscored", PADDED: "  sk-padded\n" };

  it.each([
    ["$OPENAI_API_KEY", "sk-env"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax, not a template.
    ["${OPENAI_API_KEY}", "sk-env"],
    ["$_UNDERSCORED_1", "sk-underscored"],
    ["$PADDED", "  sk-padded\n"],
  ])("reads %s from the environment given, as it is", (reference, value) => {
    expect(resolveIn(reference, env)).toEqual({ ok: true, value });
  });

  it.each([
    ["$MISSING", "environment variable 'MISSING' is not set"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax, not a template.
    ["${MISSING}", "environment variable 'MISSING' is not set"],
    ["$EMPTY", "environment variable 'EMPTY' is empty"],
    ["$BLANK", "environment variable 'BLANK' is empty"],
  ])("rejects %s, naming the variable", (reference, message) => {
    expect(resolveIn(reference, { EMPTY: "", BLANK: "  \n" })).toEqual({ ok: false, message });
  });

  it("reads only the environment it is given, not the process's", () => {
    expect(resolveIn("$PATH", {})).toEqual({ ok: false, message: "environment variable 'PATH' is not set" });
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax, not a template.
  it.each(["$", "$1KEY", "$KEY-NAME", "${KEY", "${KEY}x", "$ KEY"])(
    "rejects %j as a malformed reference rather than taking it as the key",
    (reference) => {
      expect(resolveIn(reference, { KEY: "sk-env" })).toEqual({
        ok: false,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the literal syntax.
        message: "starts with '$' but is not a valid environment variable reference ($NAME or ${NAME})",
      });
    },
  );
});

describe("resolveSecretReference: key files", () => {
  it.each([
    ["./keys/newline.key", "sk-newline"],
    ["./keys/crlf.key", "sk-crlf"],
    ["./keys/bare.key", "sk-bare"],
    ["./keys/two-newlines.key", "sk-two\n"],
    ["./keys/inner-space.key", "  sk spaced  "],
  ])("reads %s, trimming one trailing newline only", (reference, value) => {
    expect(resolveIn(reference)).toEqual({ ok: true, value });
  });

  it.each([
    ["a relative path without ./", "keys/newline.key", "sk-newline"],
    ["a file beside the config", "top.key", "sk-top"],
    ["a path into the parent folder", "../outside.key", "sk-outside"],
    ["a path under the home folder", "~/.keys/openai", "sk-home"],
  ])("resolves %s (%s) from the config file's folder", (_, reference, value) => {
    expect(resolveIn(reference)).toEqual({ ok: true, value });
  });

  it("reads an absolute path as it is", () => {
    expect(resolveIn(join(root, "outside.key"))).toEqual({ ok: true, value: "sk-outside" });
  });

  it("does not depend on the working directory", () => {
    const cwd = process.cwd();
    try {
      process.chdir(root);
      expect(resolveIn("./keys/bare.key")).toEqual({ ok: true, value: "sk-bare" });
    } finally {
      process.chdir(cwd);
    }
  });

  it.each(["./keys/empty.key", "./keys/blank.key"])("rejects the empty key file %s", (reference) => {
    expect(resolveIn(reference)).toEqual({ ok: false, message: `the key file '${reference}' is empty` });
  });

  it.each([
    ["./keys/missing.key", join("config", "keys", "missing.key")],
    ["../missing.key", "missing.key"],
    ["~/.keys/missing", join("home", ".keys", "missing")],
  ])("rejects the path %s that names no file, saying where it looked", (reference, lookedFor) => {
    expect(resolveIn(reference)).toEqual({
      ok: false,
      message: `the key file '${reference}' does not exist (looked for ${join(root, lookedFor)})`,
    });
  });

  it("rejects a missing absolute path without repeating it", () => {
    const path = join(root, "nowhere.key");
    expect(resolveIn(path)).toEqual({ ok: false, message: `the key file '${path}' does not exist` });
  });

  it("rejects a path to a folder, saying it is not a file", () => {
    expect(resolveIn("./keys")).toEqual({
      ok: false,
      message: `the key file './keys' is not a file (looked for ${join(configDirectory, "keys")})`,
    });
  });
});

describe("resolveSecretReference: literal keys", () => {
  it.each(["sk-proj-abc123", "sk-ant-api03-xyz", "key with spaces", "keys", "missing.key", "a$b"])(
    "takes %j, which names no file and is not a path, as the key itself",
    (reference) => {
      expect(resolveIn(reference)).toEqual({ ok: true, value: reference });
    },
  );

  it("takes a value too long to be a file name as the key itself", () => {
    const reference = "k".repeat(5000);
    expect(resolveIn(reference)).toEqual({ ok: true, value: reference });
  });
});
