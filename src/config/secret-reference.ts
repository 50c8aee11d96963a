import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";

export type SecretResolution = { ok: true; value: string } | { ok: false; message: string };

/**
 * Resolves a secret written in the config: `$NAME` or `${NAME}` reads an environment variable; a path to an
 * existing file reads the file (one trailing newline trimmed, as editors add one); a value that is clearly a
 * path (`/`, `./`, `../`, `~/`) but names no file is an error rather than a key; anything else is the key.
 * Relative paths are relative to the config file's folder. Runs at load time only, never per request.
 */
export function resolveSecretReference(
  reference: string,
  configDirectory: string,
  env: NodeJS.ProcessEnv,
): SecretResolution {
  const variable = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(reference);
  if (variable !== null) {
    const name = (variable[1] ?? variable[2]) as string;
    const value = env[name];
    if (value === undefined) return { ok: false, message: `environment variable '${name}' is not set` };
    if (value.trim() === "") return { ok: false, message: `environment variable '${name}' is empty` };
    return { ok: true, value };
  }
  if (reference.startsWith("$")) {
    return {
      ok: false,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the literal syntax.
      message: "starts with '$' but is not a valid environment variable reference ($NAME or ${NAME})",
    };
  }
  const looksLikePath = /^(\/|\.\.?\/|~\/)/.test(reference);
  const path = expandPath(reference, configDirectory);
  const kind = kindOfPath(path);
  if (kind === "file") {
    let contents: string;
    try {
      contents = readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return { ok: false, message: `the key file '${reference}' cannot be read (${code})` };
    }
    const value = contents.replace(/\r?\n$/, "");
    if (value.trim() === "") return { ok: false, message: `the key file '${reference}' is empty` };
    return { ok: true, value };
  }
  if (looksLikePath) {
    const problem = kind === "other" ? "is not a file" : "does not exist";
    const resolved = path === reference ? "" : ` (looked for ${path})`;
    return { ok: false, message: `the key file '${reference}' ${problem}${resolved}` };
  }
  return { ok: true, value: reference };
}

function expandPath(reference: string, configDirectory: string): string {
  if (reference.startsWith("~/")) return resolve(homedir(), reference.slice(2));
  return isAbsolute(reference) ? reference : resolve(configDirectory, reference);
}

function kindOfPath(path: string): "file" | "other" | "absent" {
  try {
    return statSync(path).isFile() ? "file" : "other";
  } catch {
    // Not a usable path (absent, too long, no permission): the value is not a file reference.
    return "absent";
  }
}
