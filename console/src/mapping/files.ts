// CSV files to and from the mapping service: the export is downloaded with the user's token
// (a plain link would carry none), the import is sent as text/csv. JSON calls use api/http.ts.
import { ApiError, problemOf } from "../api/problems";
import type { Session } from "../auth/session";

async function call(session: Session, locale: string, method: string, path: string, body?: Blob, retry = true): Promise<Response> {
  if (!session.token && session.signedIn) await session.refresh();
  const headers: Record<string, string> = { "Accept-Language": locale };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers["Content-Type"] = "text/csv";
  const response = await window.fetch(path, { method, headers, body, credentials: "same-origin" });
  if (response.status === 401 && session.token) {
    if (retry && (await session.refresh())) return call(session, locale, method, path, body, false);
    session.ended(problemOf(401, await response.text()).detail ?? null);
  }
  if (!response.ok) throw new ApiError(response.status, problemOf(response.status, await response.text(), response.statusText));
  return response;
}

/** Downloads the answer of `path` as a file named by its Content-Disposition (else `fallback`). */
export async function download(session: Session, locale: string, path: string, fallback: string): Promise<void> {
  const response = await call(session, locale, "GET", path);
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "");
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = named?.[1] ?? fallback;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Sends a CSV file; answers the service's JSON. */
export async function upload<T>(session: Session, locale: string, path: string, file: Blob): Promise<T> {
  const response = await call(session, locale, "POST", path, file);
  return (await response.json()) as T;
}
