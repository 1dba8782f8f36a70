// The orders screens' rules that need no server: statuses in their life order and their tones,
// a hold's reason code as a message key, and what an empty list says to each role.
import type { MessageKey } from "../i18n/messages";

export const ORDER_STATUSES = [
  "received",
  "on_hold",
  "accepted",
  "in_production",
  "printed",
  "packaged",
  "shipped",
  "in_transit",
  "delivered",
  "cancelled",
  "failed",
  "returned",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export function orderStatusOf(status: string): OrderStatus | "unknown" {
  return (ORDER_STATUSES as readonly string[]).includes(status) ? (status as OrderStatus) : "unknown";
}

export function orderStatusTone(status: string): "ok" | "warn" | "bad" | "muted" {
  switch (status) {
    case "on_hold":
      return "warn";
    case "cancelled":
    case "failed":
    case "returned":
      return "bad";
    case "received":
      return "muted";
    default:
      return orderStatusOf(status) === "unknown" ? "muted" : "ok";
  }
}

export const HOLD_REASONS = [
  "unmapped_products",
  "missing_print_files",
  "invalid_address",
  "held_by_rule",
  "awaiting_approval",
  "approval_delay",
] as const;

export function holdReasonOf(reason: unknown): (typeof HOLD_REASONS)[number] | "other" {
  return (HOLD_REASONS as readonly unknown[]).includes(reason) ? (reason as (typeof HOLD_REASONS)[number]) : "other";
}

/** What an empty order list says: no match for filters; else, by role, where orders come from and
 * who can make them come (only operators and Admins connect stores; a Store manager sees its own). */
export function emptyOrdersMessage(role: string | null | undefined, filtered: boolean): MessageKey {
  if (filtered) return "orders.noMatch";
  switch (role) {
    case "operator":
      return "orders.emptyOperator";
    case "admin":
      return "orders.empty";
    case "store_manager":
      return "orders.emptyStoreManager";
    default:
      return "orders.emptyAskAdmin";
  }
}
