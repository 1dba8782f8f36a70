import type { Sync } from "../api/types";

/** The store statuses the connector answers, and how each is shown. */
export type StoreStatus = "connecting" | "connected" | "needs_attention" | "disconnected";
export const PLATFORMS = ["manual", "woocommerce", "shopify", "etsy", "pressero"] as const;
export type Platform = (typeof PLATFORMS)[number];

export function statusOf(status: string): StoreStatus {
  return status === "connecting" || status === "connected" || status === "needs_attention" || status === "disconnected"
    ? status
    : "needs_attention"; // an unknown status asks for a look rather than passing for fine
}

/** The status a badge shows: a connected store something needs a look at (webhooks set aside,
 * a problem its health check found) is shown as needing attention. */
export function shownStatus(status: string, needsAttention: boolean): StoreStatus {
  return statusOf(status) === "connected" && needsAttention ? "needs_attention" : statusOf(status);
}

export function statusTone(status: string): "ok" | "warn" | "bad" | "muted" {
  return { connected: "ok", connecting: "warn", needs_attention: "bad", disconnected: "muted" }[statusOf(status)] as
    | "ok"
    | "warn"
    | "bad"
    | "muted";
}

export function isPlatform(value: string | null | undefined): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value ?? "");
}

/** A sync's progress for a progress bar: done of total, as a whole percentage (null while the
 * total is not known yet: the first page has not come back). A finished sync is 100%. */
export function syncPercent(sync: Pick<Sync, "done" | "total" | "status">): number | null {
  if (sync.status === "succeeded") return 100;
  if (sync.total === null || sync.total === undefined) return null;
  if (sync.total <= 0) return sync.status === "running" ? 0 : 100;
  return Math.min(100, Math.max(0, Math.round((sync.done / sync.total) * 100)));
}

export function syncFinished(sync: Pick<Sync, "status">): boolean {
  return sync.status !== "running";
}

/** Follows a sync until it finishes: `read` answers its current state; each state is handed to
 * `onProgress`; `wait` separates the reads; `stopped` ends the watch (the page was left). */
export async function followSync(
  first: Sync,
  read: () => Promise<Sync>,
  onProgress: (sync: Sync) => void,
  wait: () => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<Sync> {
  let sync = first;
  onProgress(sync);
  while (!syncFinished(sync) && !stopped()) {
    await wait();
    if (stopped()) break;
    sync = await read();
    onProgress(sync);
  }
  return sync;
}

/** A Shopify shop as the merchant types it, for the API (which also accepts the bare name). */
export function shopifyShop(typed: string): string {
  return typed.trim().replace(/^https?:\/\//i, "").replace(/\/.*$/, "").toLowerCase();
}

/** What a retry of parked webhooks came to, once read again: how many were taken in, how many
 * are set aside again (still unreadable: listed again, on any page: ``after.items`` is every
 * parked webhook), whether some are still waiting to be read, and how the outcome reads. */
export function retryOutcome(
  retried: readonly string[],
  after: { items: ReadonlyArray<{ webhook_id: string }>; waiting: number },
): { taken: number; parkedAgain: number; waiting: boolean; tone: "ok" | "warn" | "info" } {
  const still = new Set(after.items.map((item) => item.webhook_id));
  const parkedAgain = retried.filter((id) => still.has(id)).length;
  const waiting = after.waiting > 0;
  const taken = retried.length - parkedAgain;
  // a warning when some are still set aside (or none was taken in), not a success
  const tone = waiting ? "info" : parkedAgain > 0 || taken === 0 ? "warn" : "ok";
  return { taken, parkedAgain, waiting, tone };
}
