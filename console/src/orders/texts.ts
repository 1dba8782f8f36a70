import { en, type MessageKey } from "../i18n/messages";

/** A hold as order intake answers it: its English words, and the code and values they were made from. */
export interface HoldWords {
  message?: unknown;
  code?: unknown;
  params?: unknown;
}

/** A hold's words in the reader's language: the sentence of its code with its values (a time,
 * `at`, written in the reader's format as `when`); order intake's English words when this console
 * has no sentence for the code, or for a hold kept before holds had codes. */
export function holdText(hold: HoldWords, t: (key: MessageKey, params?: Record<string, string | number>) => string, date: (iso: string) => string): string {
  const key = typeof hold.code === "string" ? `holdText.${hold.code}` : null;
  if (!key || !(key in en)) return String(hold.message ?? "");
  const values: Record<string, string> = {};
  if (hold.params && typeof hold.params === "object") for (const [name, value] of Object.entries(hold.params)) values[name] = String(value);
  if (values.at) values.when = date(values.at);
  return t(key as MessageKey, values);
}
