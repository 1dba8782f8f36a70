import type { Problem } from "./types";

/** An API answer that is not 2xx, with its problem+json body (or one made up for it). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title);
  }
}

/** One entry of a problem's `errors`, as every service writes them: where (`location`, e.g.
 * ["body", "variants", "0", "product_uid"]), the message in the reader's language, its `type`;
 * and what else a service names there (`names`: the mapping service's variant and file, ...). */
export interface ProblemItem {
  location: string[];
  message: string;
  type: string;
  names: Record<string, unknown>;
}

export function problemItems(problem: Problem | null | undefined): ProblemItem[] {
  const errors: unknown = problem?.errors;
  if (!Array.isArray(errors)) return [];
  const items: ProblemItem[] = [];
  for (const entry of errors as unknown[]) {
    if (!entry || typeof entry !== "object") continue;
    const { location, message, type, ...names } = entry as Record<string, unknown>;
    if (!Array.isArray(location) || typeof message !== "string") continue;
    items.push({ location: location.map(String), message, type: typeof type === "string" ? type : "", names });
  }
  return items;
}

/** field name → message, for the fields a problem names: a business rule's `field` member
 * (409/422 with one field) and each entry of `errors` (request validation, location
 * ["body", "<field>", ...]). What names no field is under "" (shown above the form). */
export function fieldErrors(problem: Problem | null | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  if (!problem) return found;
  for (const error of problemItems(problem)) {
    const [where, name] = error.location;
    const key = where === "body" && name !== undefined ? name : "";
    found[key] ??= error.message;
  }
  if (problem.field) found[problem.field] = problem.detail ?? problem.title;
  if (Object.keys(found).length === 0) found[""] = problem.detail ?? problem.title;
  return found;
}

/** A problem+json body from a response's text, or one built from its status. */
export function problemOf(status: number, text: string, statusText = ""): Problem {
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object" && "title" in body) return body as Problem;
  } catch {
    // not JSON: a proxy's page; fall through
  }
  return { type: "about:blank", title: statusText || `HTTP ${status}`, status };
}
