import { createRequire } from "node:module";
import type { Pool as UndiciPool } from "undici";

/**
 * undici's Pool, loaded without the rest of undici. The package's index loads every API it has (fetch, WebSocket,
 * the caches, the mocks) to export them: 3.6 MB of heap in every worker, which uses none of them. This loads the
 * pool and the request API, and mixes the API into every dispatcher as the index does (undici's version is
 * pinned, so these paths are too). Loading the whole package later does the same mix again, harmlessly.
 */
const require = createRequire(import.meta.url);
const Dispatcher = require("undici/lib/dispatcher/dispatcher.js") as { prototype: object };
Object.assign(Dispatcher.prototype, require("undici/lib/api/index.js") as object);

export const Pool = require("undici/lib/dispatcher/pool.js") as typeof UndiciPool;
export type Pool = UndiciPool;
