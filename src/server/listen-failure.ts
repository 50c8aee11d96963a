/**
 * Why a worker could not listen, in words that say what to do: a taken port or a privileged one is the user's
 * to fix, and retrying (starting new workers) cannot help. Undefined for other errors.
 */
export function listenFailureMessage(error: unknown, host: string, port: number): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "EADDRINUSE":
      return `port ${port} is already in use; choose another with --port`;
    case "EACCES":
      return `no permission to listen on port ${port} (ports below 1024 need privileges); choose another with --port`;
    case "EADDRNOTAVAIL":
      return `address ${host} is not available on this machine; choose another with --host`;
    default:
      return undefined;
  }
}
