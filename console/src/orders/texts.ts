import { en, type MessageKey } from "../i18n/messages";

type Say = (key: MessageKey, params?: Record<string, string | number>) => string;
type Dates = (iso: string) => string;

/** A hold as order intake answers it: its English words, and the code and values they were made from. */
export interface HoldWords {
  message?: unknown;
  code?: unknown;
  params?: unknown;
}

/** A history entry as order intake answers it: its English reason (or a person's own words), and
 * the code, values and holds it was said from (none for entries kept before they had codes). */
export interface HistoryWords {
  reason?: unknown;
  code?: unknown;
  params?: unknown;
  holds?: unknown;
}

function valuesOf(params: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (params && typeof params === "object") for (const [name, value] of Object.entries(params)) values[name] = String(value);
  return values;
}

/** The catalogue's key for a code under a prefix, when this console has a sentence for it. */
function keyOf(prefix: string, code: unknown): MessageKey | null {
  const key = typeof code === "string" ? `${prefix}.${code}` : null;
  return key && key in en ? (key as MessageKey) : null;
}

/** A hold's words in the reader's language: the sentence of its code with its values (a time,
 * `at`, written in the reader's format as `when`); order intake's English words when this console
 * has no sentence for the code, or for a hold kept before holds had codes. Said on its own (the
 * line it holds, a history entry), so a rule's hold says it is a rule's. */
export function holdText(hold: HoldWords, t: Say, date: Dates): string {
  const key = keyOf("holdText", hold.code);
  if (!key) return String(hold.message ?? "");
  const values = valuesOf(hold.params);
  if (values.at) values.when = date(values.at);
  return t(key, values);
}

/** A hold's words after the title of its reason ("Held by a rule: 3 items, more than 2"): the
 * codes whose sentence would repeat the title have a shorter one; the others are `holdText`. */
export function holdDetail(hold: HoldWords, t: Say, date: Dates): string {
  const key = keyOf("holdDetail", hold.code);
  return key ? t(key, valuesOf(hold.params)) : holdText(hold, t, date);
}

/** The entries whose reason is the shop's cancel reason (a code such as Shopify's `customer`),
 * not a person's own words. */
const SHOP_CANCELLATIONS = new Set(["history.cancelled_in_shop_because", "history.cancelled_late_because"]);

/** Why a history entry happened, in the reader's language: the sentence of its code, its statuses
 * and the shop's cancel reasons (Shopify's customer, fraud, …) named, the holds it lists each said by its own code; order intake's words otherwise (a person's
 * own reason, or an entry kept before entries had codes). */
export function historyText(change: HistoryWords, t: Say, date: Dates): string {
  const key = keyOf("historyText", change.code);
  if (!key) return change.reason == null ? "" : String(change.reason);
  const values = valuesOf(change.params);
  if (values.at) values.when = date(values.at);
  const status = keyOf("orders.status", values.status);
  if (status) values.status = t(status);
  const reason = SHOP_CANCELLATIONS.has(String(change.code)) ? keyOf("orders.cancelReason", values.reason) : null;
  if (reason) values.reason = t(reason);
  if (Array.isArray(change.holds) && change.holds.length > 0) values.holds = change.holds.map((hold: HoldWords) => holdText(hold, t, date)).join("; ");
  return t(key, values);
}

/** Why an order needs the operator's attention (cancelled in the shop after production started),
 * in the reader's language from the history entry that flagged it; order intake's words otherwise. */
export function attentionText(order: { attention?: string | null; history: (HistoryWords & { code?: string | null })[] }, t: Say, date: Dates): string {
  const flagged = [...order.history].reverse().find((change) => typeof change.code === "string" && change.code.startsWith("history.cancelled_late"));
  return flagged ? historyText(flagged, t, date) : String(order.attention ?? "");
}

/** When a parcel was shipped: the time order intake kept with it, else (a parcel kept before
 * shipments had one) the time of the history entry that recorded it. */
export function shippedAt(
  shipment: { tracking_number: string; shipped_at?: string | null },
  history: { at: string; shipment?: { [key: string]: unknown } | null }[],
): string | null {
  if (shipment.shipped_at) return shipment.shipped_at;
  return history.find((change) => change.shipment?.tracking_number === shipment.tracking_number)?.at ?? null;
}

/** Who made a change: the user's name (or e-mail) kept with it, the shop or Storefronts itself in
 * the reader's language, else the id (an entry kept before names were). */
export function actorName(change: { actor: string; actor_name?: string | null }, t: Say): string {
  if (change.actor_name) return change.actor_name;
  const key = keyOf("order.actor", change.actor);
  return key ? t(key) : change.actor;
}

/** A refusal order intake said by a code this console knows (e.g. a country code that cannot be
 * one), in the reader's language and as a sentence; undefined for the others. */
export function problemText(problem: { code?: unknown; params?: unknown; detail?: unknown } | null | undefined, t: Say, date: Dates): string | undefined {
  if (!problem || !keyOf("holdText", problem.code)) return undefined;
  return sentence(holdText({ code: problem.code, params: problem.params, message: problem.detail }, t, date));
}

/** A bad row of an order CSV import as order intake reports it: its English words, and the code and
 * values they were made from (none for reports kept before row errors had codes). */
export interface RowWords {
  message?: unknown;
  code?: unknown;
  params?: unknown;
}

/** What is wrong with a row of an import, in the reader's language and as a sentence: the import's
 * own sentence of its code, else (an address problem) the hold's; order intake's English words when
 * this console has no sentence for the code, or for a report kept before row errors had codes. */
export function rowProblemText(row: RowWords, t: Say, date: Dates): string {
  const key = keyOf("importText", row.code);
  if (key) return sentence(t(key, valuesOf(row.params)));
  if (keyOf("holdText", row.code)) return sentence(holdText(row, t, date));
  return sentence(String(row.message ?? ""));
}

/** Words that begin a line: a capital first. */
export function capitalized(words: string): string {
  const trimmed = words.trim();
  return trimmed.charAt(0).toLocaleUpperCase() + trimmed.slice(1);
}

/** Words shown on their own: a capital first, a full stop last. */
export function sentence(words: string): string {
  const capital = capitalized(words);
  return !capital || /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}
