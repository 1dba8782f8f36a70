import type { Session } from "../auth/session";
import { ApiError, problemOf } from "./problems";

export interface Http {
  get<T>(path: string): Promise<T>;
  send<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T>;
  /** A file as the request body as it is (a CSV import), with its content type. */
  upload<T>(path: string, file: Blob, contentType: string): Promise<T>;
}

/** Every call goes through the gateway (same origin) with the user's token and language.
 * A 401 is retried once after a refresh; a second 401 ends the session. */
export function http(session: Session, locale: () => string, fetcher: typeof fetch = (i, n) => window.fetch(i, n)): Http {
  async function call<T>(method: string, path: string, body?: unknown, retry = true, contentType?: string): Promise<T> {
    let token = session.token;
    if (!token && session.signedIn) {
      await session.refresh();
      token = session.token;
    }
    const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": locale() };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = contentType ?? "application/json";
    const response = await fetcher(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : contentType ? (body as Blob) : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status === 401 && token) {
      if (retry && (await session.refresh())) return call<T>(method, path, body, false, contentType);
      session.ended(problemOf(401, text).detail ?? null);
    }
    if (!response.ok) throw new ApiError(response.status, problemOf(response.status, text, response.statusText));
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    get: (path) => call("GET", path),
    send: (method, path, body) => call(method, path, body),
    upload: (path, file, contentType) => call("POST", path, file, true, contentType),
  };
}

/** A query string from the values that are set. */
export function query(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}
