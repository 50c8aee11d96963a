/** A provider base URL split for the upstream client: the origin picks the pool, the rest prefixes each path. */
export interface BaseUrl {
  origin: string;
  /** Path prefix without a trailing slash (`/v1`), or "" at the root. */
  pathPrefix: string;
  /** Query string of the base URL including `?`, or "" (kept on every call, as MLflow does). */
  query: string;
}

export function parseBaseUrl(url: string): BaseUrl {
  const parsed = new URL(url);
  return { origin: parsed.origin, pathPrefix: parsed.pathname.replace(/\/+$/, ""), query: parsed.search };
}

/** Joins a base URL with an endpoint path and optional extra query parameters. */
export function joinPath(base: BaseUrl, endpoint: string, extraQuery: Record<string, string> = {}): string {
  const params = new URLSearchParams(base.query);
  for (const [key, value] of Object.entries(extraQuery)) params.set(key, value);
  const query = params.toString();
  return `${base.pathPrefix}/${endpoint.replace(/^\/+/, "")}${query === "" ? "" : `?${query}`}`;
}
