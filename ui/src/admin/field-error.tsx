import { GatewayAnswerError } from "../session/gateway-request.js";

/** A refusal of the admin API that names a field (`limits.rpm`, `budgets.0.amount_usd`): shown beside it. */
export interface FieldProblem {
  param: string;
  message: string;
}

/** The field a failed admin call names, if any. */
export function fieldProblemOf(error: unknown): FieldProblem | null {
  if (!(error instanceof GatewayAnswerError) || error.param === null || error.param === "") return null;
  // Some refusals name an item as `routes[0]`, others as `limits.rpm`: one form, dotted.
  return { param: error.param.replace(/\[(\d+)\]/g, ".$1"), message: error.message };
}

/** Whether a problem is about the field `name` (or something inside it: `budgets.0` holds `budgets.0.tz`). */
export function isAbout(problem: FieldProblem | null, name: string): boolean {
  return problem !== null && (problem.param === name || problem.param.startsWith(`${name}.`));
}

/** The gateway's message beside the field it names (or, `deep`, a part of it); nothing for other fields. */
export function FieldError({
  problem,
  name,
  deep = false,
}: {
  problem: FieldProblem | null;
  name: string;
  deep?: boolean;
}) {
  if (problem === null || !(deep ? isAbout(problem, name) : problem.param === name)) return null;
  return (
    <span class="field-error" data-error-for={name} role="alert">
      {problem.message}
    </span>
  );
}

/** Fields the key and group forms show a refusal beside; a refusal of another field is shown above the form. */
const SHOWN_FIELDS = ["alias", "group", "org", "routes", "models", "expires_at", "limits", "budgets", "id"];

export function isShownBesideField(problem: FieldProblem | null): boolean {
  return SHOWN_FIELDS.some((name) => isAbout(problem, name));
}
