import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** Where `npm run build` puts the console's page (scripts/build-ui.mjs), from src/ and dist/ alike. */
export const CONSOLE_BUILD_DIRECTORY = fileURLToPath(new URL("../../../dist/ui/", import.meta.url));

/** The placeholder index.html uses for the console's path, which the config chooses. */
const BASE_PLACEHOLDER = "%BASE%";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json",
};

export interface ConsoleFile {
  body: Buffer;
  /** The same bytes gzipped, sent to clients that accept it. */
  gzipped: Buffer;
  contentType: string;
  etag: string;
}

export interface ConsoleFiles {
  /** By path relative to the console's root (`index.html`, `vendor/preact.mjs`). */
  files: Map<string, ConsoleFile>;
  /** The Content-Security-Policy of every console response: this origin only, the import map by its hash. */
  contentSecurityPolicy: string;
}

/**
 * Reads the console's files once, at start-up, into memory (a few files, about 50 KB gzipped), so serving one
 * is a map lookup with no file system access. Undefined when the console was not built.
 */
export async function loadConsoleFiles(
  basePath: string,
  directory: string = CONSOLE_BUILD_DIRECTORY,
): Promise<ConsoleFiles | undefined> {
  let names: string[];
  try {
    names = await readdir(directory, { recursive: true });
  } catch {
    return undefined;
  }
  const files = new Map<string, ConsoleFile>();
  for (const name of names) {
    const type = CONTENT_TYPES[extname(name)];
    if (type === undefined) continue;
    let body = await readFile(join(directory, name));
    if (name === "index.html")
      body = Buffer.from(body.toString("utf8").replaceAll(BASE_PLACEHOLDER, basePath));
    files.set(name.split(sep).join("/"), {
      body,
      gzipped: gzipSync(body),
      contentType: type,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    });
  }
  const index = files.get("index.html");
  if (index === undefined) return undefined;
  return { files, contentSecurityPolicy: contentSecurityPolicy(index.body.toString("utf8")) };
}

/**
 * Nothing but this origin: no CDN, font or telemetry can load even by mistake, and the one inline script (the
 * import map, which cannot be an external file) is allowed by its hash alone, computed from the file served.
 */
function contentSecurityPolicy(indexHtml: string): string {
  const inlineScripts = [...indexHtml.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (match) =>
      `'sha256-${createHash("sha256")
        .update(match[1] ?? "")
        .digest("base64")}'`,
  );
  return [
    "default-src 'none'",
    `script-src 'self' ${inlineScripts.join(" ")}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
