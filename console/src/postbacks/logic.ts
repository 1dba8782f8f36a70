// Client-side rules of the postback screens (no I/O): event types, statuses, ranges.

/** The event types an endpoint can ask for, in the order of an order's life (notifier's EndpointCreate). */
export const EVENT_TYPES = [
  "order.accepted",
  "order.held",
  "order.in_production",
  "order.printed",
  "order.packaged",
  "order.shipped",
  "order.in_transit",
  "order.delivered",
  "order.cancelled",
  "order.failed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The list with ``type`` added or removed, always in EVENT_TYPES's order. */
export function toggled(chosen: readonly EventType[], type: EventType): EventType[] {
  const next = new Set(chosen);
  if (next.has(type)) next.delete(type);
  else next.add(type);
  return EVENT_TYPES.filter((known) => next.has(known));
}

export type Tone = "ok" | "warn" | "bad" | "muted";

/** enabled, paused (by the client) or disabled (by the service after failures). */
export function endpointTone(status: string): Tone {
  return status === "enabled" ? "ok" : status === "disabled" ? "bad" : "warn";
}

/** pending, delivered or failed. */
export function deliveryTone(status: string): Tone {
  return status === "delivered" ? "ok" : status === "failed" ? "bad" : "warn";
}

/** A paused or disabled endpoint is enabled again; an enabled one can be paused. */
export function nextStatus(status: string): "enabled" | "paused" {
  return status === "enabled" ? "paused" : "enabled";
}

/** A Date as the value of an <input type="datetime-local"> (local time, minutes). */
export function localInput(when: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}T${pad(when.getHours())}:${pad(when.getMinutes())}`;
}

/** The replay form's default range: the last day, up to the next minute (so "now" is inside). */
export function defaultRange(now: Date): { since: string; until: string } {
  const until = new Date(now.getTime() + 60_000);
  return { since: localInput(new Date(now.getTime() - 24 * 3600_000)), until: localInput(until) };
}

/** The API's `[since, until)` from the form's two local times, or which field is wrong. */
export function replayRange(since: string, until: string): { since: string; until: string } | { field: "since" | "until"; error: "missing" | "order" } {
  const from = new Date(since);
  const to = new Date(until);
  if (!since || Number.isNaN(from.getTime())) return { field: "since", error: "missing" };
  if (!until || Number.isNaN(to.getTime())) return { field: "until", error: "missing" };
  if (to.getTime() <= from.getTime()) return { field: "until", error: "order" };
  return { since: from.toISOString(), until: to.toISOString() };
}

/** Whether a rotation's overlap is still running: the old secret signs too until then. */
export function overlapRunning(expiresAt: string | null | undefined, now: Date): boolean {
  return !!expiresAt && new Date(expiresAt).getTime() > now.getTime();
}

/** A delivery can be sent again once it is no longer pending (the API queues it afresh). */
export function replayable(status: string): boolean {
  return status === "delivered" || status === "failed";
}

/** An endpoint's event types in the order of an order's life; types this console does not know last. */
export function inLifeOrder(types: readonly string[]): string[] {
  const known: readonly string[] = EVENT_TYPES;
  const rank = (type: string) => (known.includes(type) ? known.indexOf(type) : known.length);
  return [...types].sort((a, b) => rank(a) - rank(b));
}
