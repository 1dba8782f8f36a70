import { en, fr, type MessageKey } from "./messages";

export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
const CATALOGS: Record<Locale, Record<MessageKey, string>> = { en, fr };

/** The language to speak: the user's setting, then the browser's languages, then English. */
export function pickLocale(userLocale: string | null | undefined, browser: readonly string[]): Locale {
  for (const candidate of [userLocale, ...browser]) {
    const base = candidate?.toLowerCase().split(/[-_]/)[0];
    if (base && (LOCALES as readonly string[]).includes(base)) return base as Locale;
  }
  return "en";
}

export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = CATALOGS[locale][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? formatNumber(locale, value) : value;
  });
}

export function formatDateTime(locale: Locale, iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return new Intl.DateTimeFormat(locale === "fr" ? "fr-FR" : "en-GB", { dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-GB").format(value);
}
