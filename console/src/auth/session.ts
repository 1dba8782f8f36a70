import { ApiError, problemOf } from "../api/problems";
import type { TokenPair } from "../api/types";

/** Why a session ended: the person signed out, or the platform ended it (user removed,
 * access turned off, refresh token spent) with the API's own words. */
export type SessionEnd = { reason: "signed_out" } | { reason: "ended"; detail: string | null };

export interface SessionDeps {
  fetch: typeof fetch;
  now: () => number;
  schedule: (run: () => void, ms: number) => unknown;
  cancel: (handle: unknown) => void;
  /** Serialises refreshes across tabs (a refresh token is single use): navigator.locks. */
  exclusive?: <T>(run: () => Promise<T>) => Promise<T>;
}

/** Refresh this long before the access token expires, so a request never meets an expired one. */
export const REFRESH_MARGIN_MS = 60_000;

/**
 * The signed-in session: the access token in memory only (never localStorage); the refresh
 * token is an httpOnly cookie on /auth the script never sees. Refreshes are single-flight
 * (two at once would spend the same refresh token twice, which ends the session) and run
 * ahead of expiry; a refused refresh ends the session once, with the API's reason.
 */
export class Session {
  private accessToken: string | null = null;
  private expiresAt = 0;
  private inFlight: Promise<boolean> | null = null;
  private timer: unknown = null;
  private listeners = new Set<(end: SessionEnd) => void>();

  constructor(private readonly deps: SessionDeps) {}

  get token(): string | null {
    return this.accessToken && this.deps.now() < this.expiresAt ? this.accessToken : null;
  }

  get signedIn(): boolean {
    return this.accessToken !== null;
  }

  onEnd(listener: (end: SessionEnd) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(email: string, password: string, locale: string): Promise<void> {
    const response = await this.deps.fetch("/auth/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": locale },
      body: JSON.stringify({ email, password }),
    });
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, problemOf(response.status, text, response.statusText));
    this.keep(JSON.parse(text) as TokenPair);
  }

  /** A new access token from the refresh cookie; false (and the session ends) when refused. */
  refresh(): Promise<boolean> {
    if (!this.inFlight) {
      const run = () => this.exchange();
      const exclusive = this.deps.exclusive;
      this.inFlight = (exclusive ? exclusive(run) : run()).finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  /** On start: a session survives a reload through the cookie; false when there is none. */
  async resume(): Promise<boolean> {
    return this.refresh();
  }

  async signOut(): Promise<void> {
    const token = this.accessToken;
    this.forget();
    if (token) {
      await this.deps
        .fetch("/auth/logout", {
          method: "POST",
          credentials: "same-origin",
          headers: { Authorization: `Bearer ${token}` },
        })
        .catch(() => undefined); // offline: the cookie expires on its own; the token in 15 minutes
    }
    this.emit({ reason: "signed_out" });
  }

  /** The API refused our token (401) after a refresh: the platform ended the session. */
  ended(detail: string | null): void {
    if (!this.accessToken) return;
    this.forget();
    this.emit({ reason: "ended", detail });
  }

  private async exchange(): Promise<boolean> {
    const hadSession = this.accessToken !== null;
    let response: Response;
    try {
      response = await this.deps.fetch("/auth/refresh", {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch {
      return false; // offline: keep the session; the next call retries
    }
    const text = await response.text();
    if (response.ok) {
      this.keep(JSON.parse(text) as TokenPair);
      return true;
    }
    if (response.status === 401 && hadSession) this.ended(problemOf(401, text).detail ?? null);
    return false;
  }

  private keep(pair: TokenPair): void {
    // pair.refresh_token is also in the httpOnly cookie: the console drops it here
    this.accessToken = pair.access_token;
    this.expiresAt = this.deps.now() + pair.expires_in * 1000;
    if (this.timer !== null) this.deps.cancel(this.timer);
    const wait = Math.max(pair.expires_in * 1000 - REFRESH_MARGIN_MS, 5_000);
    this.timer = this.deps.schedule(() => void this.refresh(), wait);
  }

  private forget(): void {
    this.accessToken = null;
    this.expiresAt = 0;
    if (this.timer !== null) this.deps.cancel(this.timer);
    this.timer = null;
  }

  private emit(end: SessionEnd): void {
    for (const listener of this.listeners) listener(end);
  }
}

export function browserSession(): Session {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  return new Session({
    fetch: (input, init) => window.fetch(input, init),
    now: () => Date.now(),
    schedule: (run, ms) => window.setTimeout(run, ms),
    cancel: (handle) => window.clearTimeout(handle as number),
    exclusive: locks ? <T,>(run: () => Promise<T>) => locks.request("storefronts-session-refresh", run) as Promise<T> : undefined,
  });
}
