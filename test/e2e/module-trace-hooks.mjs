// Loaded with `--import` (through NODE_OPTIONS) into every process of a gateway under test (the primary, its
// workers, the config check's child): each process records every module URL it resolves, one a line, in
// $SWITCHYARD_MODULE_TRACE_DIR/<pid>.txt. The hook runs on the loader thread and appends before it answers, so a
// module is in the file before its code runs.
import { register } from "node:module";

const HOOKS = `
import { appendFileSync } from "node:fs";
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, resolved.url + "\\n");
  return resolved;
}`;

const directory = process.env.SWITCHYARD_MODULE_TRACE_DIR;
if (directory !== undefined) {
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
    data: { file: `${directory}/${process.pid}.txt` },
  });
}
