import type { ConfigIssue } from "./config-issue.js";
import type { YamlSource } from "./yaml-source.js";

/** What parsing one config file shares: where it is, what it can read, where problems go. */
export interface ParseContext {
  file: string;
  env: NodeJS.ProcessEnv;
  configDirectory: string;
  source: YamlSource;
  issues: ConfigIssue[];
  listKey: string;
}

/** Reports a problem at a field of one route (path relative to the route); `atKey` points at the key itself. */
export type ReportIssue = (field: readonly PropertyKey[], message: string, atKey?: boolean) => void;

export function routeReporter(context: ParseContext, index: number, route: string | undefined): ReportIssue {
  const routePath = [context.listKey, index];
  return (field, message, atKey = false) => {
    const fullPath = [...routePath, ...field];
    const position = atKey ? context.source.keyPositionOf(fullPath) : context.source.positionOf(fullPath);
    const issue: ConfigIssue = { file: context.file, ...position, message };
    if (route !== undefined) issue.route = route;
    issue.field = field.length > 0 ? field.join(".") : `${context.listKey}[${index}]`;
    context.issues.push(issue);
  };
}
