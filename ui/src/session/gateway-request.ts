import { authorization, refused } from "./admin-session.js";

/** A refusal or failure of the gateway, with its own message (OpenAI's envelope, MLflow's `detail`). */
export class GatewayAnswerError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The field the gateway named, if any (`routes[0]`). */
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { message?: unknown; param?: unknown } | string;
  detail?: unknown;
  message?: unknown;
}

/** The gateway's message for a failed answer, read from whichever error format the endpoint uses. */
export async function errorOf(response: Response): Promise<GatewayAnswerError> {
  const text = await response.text().catch(() => "");
  let message = `the gateway answered ${response.status}`;
  let param: string | null = null;
  try {
    const body = JSON.parse(text) as ErrorBody;
    if (typeof body.error === "object" && typeof body.error.message === "string") {
      message = body.error.message;
      if (typeof body.error.param === "string") param = body.error.param;
    } else if (typeof body.detail === "string") message = body.detail;
    else if (typeof body.error === "string") message = body.error;
    else if (typeof body.message === "string") message = body.message;
  } catch {
    if (text.trim() !== "") message = text.trim().slice(0, 300);
  }
  return new GatewayAnswerError(response.status, message, param);
}

/**
 * A request of the console to its gateway (its data, the admin API), with the admin key when signed in. A 401
 * asks for the key again; the error is thrown for the caller to show too.
 */
export async function gatewayFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(path, {
    ...init,
    headers: { ...(init.headers as Record<string, string> | undefined), ...authorization() },
  });
  if (response.status === 401) {
    const error = await errorOf(response);
    refused(error.message);
    throw error;
  }
  return response;
}

/** A JSON request: the parsed answer, or the gateway's error thrown. */
export async function gatewayJson<T>(path: string, method = "GET", body?: unknown): Promise<T> {
  const response = await gatewayFetch(path, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}
