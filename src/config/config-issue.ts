/** One problem found in a config file, located precisely enough for a person to fix it. */
export interface ConfigIssue {
  file: string;
  /** 1-based; absent when the problem is not at one place (an unreadable file). */
  line?: number;
  column?: number;
  /** The route the problem is in, when it is in one. */
  route?: string;
  /** Dotted path of the field within the route (`model.config.openai_api_key`) or the file. */
  field?: string;
  message: string;
}

/** `config.yaml:12:9: route 'chat', field model.provider: unknown provider 'x'; supported: ...` */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const context: string[] = [];
  if (issue.route !== undefined) context.push(`route '${issue.route}'`);
  if (issue.field !== undefined) context.push(`field ${issue.field}`);
  return `${where}: ${context.length > 0 ? `${context.join(", ")}: ` : ""}${issue.message}`;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(
      `The configuration is invalid (${issues.length} ${issues.length === 1 ? "problem" : "problems"}):\n${issues.map((issue) => `  ${formatConfigIssue(issue)}`).join("\n")}`,
    );
    this.name = "ConfigError";
    this.issues = issues;
  }
}
