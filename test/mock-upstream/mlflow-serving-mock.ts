import { isRecord } from "./json-narrowing.js";
import { type MockUpstream, type RecordedRequest, startMockUpstream } from "./mock-upstream.js";
import type { ScriptedResponse } from "./scripted-response.js";

/**
 * An MLflow model server (`mlflow models serve`): `POST /invocations` with exactly one of the input fields, as
 * mlflow/pyfunc/scoring_server/__init__.py requires, answering `{"predictions": ...}`. Its default model echoes
 * each string input ("Echo: <input>"); tests enqueue other predictions (embeddings, odd shapes). Errors are
 * `{"error_code", "message"}`. There is no spec file: the rules come from that source and MLflow's docs.
 */
const INPUT_FIELDS = ["dataframe_split", "dataframe_records", "instances", "inputs"];
const UNIFIED_FIELDS = ["messages", "prompt", "input"];

function validate(request: RecordedRequest): string[] {
  if (request.path !== "/invocations") return [];
  const violations: string[] = [];
  if (!/^application\/json/.test(request.headers["content-type"] ?? "")) {
    violations.push(`content type '${request.headers["content-type"]}' is not application/json`);
  }
  const body = isRecord(request.body) ? request.body : {};
  const given = INPUT_FIELDS.filter((field) => field in body);
  const unified = UNIFIED_FIELDS.some((field) => field in body);
  if (given.length !== 1 && !unified) {
    violations.push(
      `The input must be a JSON dictionary with exactly one of the input fields {${INPUT_FIELDS.join(", ")}} (got ${given.join(", ") || "none"})`,
    );
  }
  for (const key of Object.keys(body)) {
    if (![...INPUT_FIELDS, "params"].includes(key)) violations.push(`unexpected field '${key}'`);
  }
  if ("params" in body && !isRecord(body.params)) violations.push("`params` is not a dictionary");
  return violations;
}

function respond(request: RecordedRequest, violations: string[]): ScriptedResponse {
  if (request.method !== "POST" || request.path !== "/invocations") {
    return { kind: "json", status: 404, body: { error_code: "ENDPOINT_NOT_FOUND", message: "Not found" } };
  }
  if (violations.length > 0) {
    return { kind: "json", status: 400, body: { error_code: "BAD_REQUEST", message: violations.join("; ") } };
  }
  const inputs = isRecord(request.body) && Array.isArray(request.body.inputs) ? request.body.inputs : [];
  return {
    kind: "json",
    status: 200,
    body: { predictions: inputs.map((input) => `Echo: ${String(input)}`) },
  };
}

export function startMlflowServingMock(): Promise<MockUpstream> {
  return startMockUpstream({ validate, respond });
}
