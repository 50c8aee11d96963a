import { dirname, resolve } from "node:path";
import { type FSWatcher, watch } from "chokidar";

export type ConfigFileEvent = "changed" | "deleted";

/**
 * Watches a config file for edits, including editors' atomic saves (write a temporary file, rename it over the
 * original). The folder is watched rather than the file, because an atomic save replaces the file's inode and a
 * watch on the old one would go quiet. Bursts of events from one save are merged into one callback.
 */
export function watchConfigFile(
  path: string,
  onEvent: (event: ConfigFileEvent) => void,
  debounceMs = 50,
): () => Promise<void> {
  const file = resolve(path);
  let timer: NodeJS.Timeout | undefined;
  let pending: ConfigFileEvent = "changed";
  const watcher: FSWatcher = watch(dirname(file), {
    ignoreInitial: true,
    depth: 0,
    ignored: (candidate: string) => candidate !== file && candidate !== dirname(file),
  });
  const schedule = (event: ConfigFileEvent): void => {
    pending = event;
    clearTimeout(timer);
    timer = setTimeout(() => onEvent(pending), debounceMs);
  };
  watcher.on("add", (changed) => changed === file && schedule("changed"));
  watcher.on("change", (changed) => changed === file && schedule("changed"));
  watcher.on("unlink", (changed) => changed === file && schedule("deleted"));
  return async () => {
    clearTimeout(timer);
    await watcher.close();
  };
}
