import { type ConfigVerdict, checkConfigText } from "./config-verdict.js";

/**
 * Entry point of the short-lived process that checks a config for the primary (config-check-process.ts): it gets
 * the file's text and path, answers with the verdict and exits. The validation code (zod, every provider's
 * config schema and the dialect code behind them) is loaded here and leaves with this process, not in the
 * long-lived primary.
 */
interface CheckRequest {
  text: string;
  file: string;
}

function isCheckRequest(value: unknown): value is CheckRequest {
  const request = value as Partial<CheckRequest> | null;
  return typeof request?.text === "string" && typeof request.file === "string";
}

// The primary went away before asking (or while the check ran): nobody is left to answer.
process.once("disconnect", () => process.exit(0));
process.once("message", (message: unknown) => {
  if (!isCheckRequest(message)) process.exit(2);
  let verdict: ConfigVerdict;
  try {
    verdict = checkConfigText(message.text, message.file, process.env);
  } catch (error) {
    // A bug in a check, not a problem of the file: still a verdict, so the primary keeps its config.
    verdict = {
      ok: false,
      issues: [
        { file: message.file, message: `the config could not be checked: ${(error as Error).message}` },
      ],
    };
  }
  process.send?.(verdict, undefined, {}, () => process.exit(0));
});
