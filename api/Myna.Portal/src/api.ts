// The typed client: every path, body and answer type comes from the API's own OpenAPI document (src/generated).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/api";
import { language } from "./i18n";

export type Schemas = components["schemas"];

/**
 * RFC 9457 problem details as the API's document describes them (the code is stable, title and detail are
 * localised); a network failure has none of them.
 */
export type Problem = Partial<Pick<Schemas["ProblemDetails"], "status" | "title" | "detail" | "code">>;

let accessToken: string | null = null;

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

const headers: Middleware = {
  onRequest({ request }) {
    request.headers.set("Accept-Language", language());
    if (accessToken && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${accessToken}`);
    }
    if (request.method !== "GET" && !request.headers.has("Idempotency-Key")) {
      // One key per user action: a retry of this request (the same Request) is applied once.
      request.headers.set("Idempotency-Key", crypto.randomUUID());
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(headers);

/** What went wrong, for display: the API's problem, or a network failure. */
export function asProblem(error: unknown, response?: Response): Problem {
  if (error && typeof error === "object") {
    const problem = error as Problem;
    return { status: response?.status ?? problem.status, title: problem.title, detail: problem.detail ?? undefined, code: problem.code };
  }
  return { status: response?.status };
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? "request failed");
  }
}

/** Unwraps an openapi-fetch answer: the data, or a ProblemError with the API's problem details. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined && result.response.ok) {
    return result.data;
  }
  throw new ProblemError(asProblem(result.error, result.response));
}
