// The create-and-publish form's rules that need no server: its drafts to the API's body, a
// template back to drafts, a publish request's failure reason as a message key.
import type { CatalogProduct, PublishedProductBody, PublishProduct, PublishRequest } from "../api/mapping-types";
import { formatOptions, parseOptions, printFilesOf } from "./logic";

/** One variant of the product to create, as the form holds it. */
export interface PublishVariantDraft {
  key: number;
  sku: string;
  title: string;
  options: string;
  price: string;
  uid: string;
  files: Record<string, string>;
}

export interface ProductDraft {
  title: string;
  description: string;
  currency: string;
  variants: PublishVariantDraft[];
}

let nextKey = 1;

export function blankVariant(): PublishVariantDraft {
  return { key: nextKey++, sku: "", title: "", options: "", price: "", uid: "", files: {} };
}

export function blankProduct(currency = "EUR"): ProductDraft {
  return { title: "", description: "", currency, variants: [blankVariant()] };
}

/** A saved template (a publish body) back into the form. */
export function draftOfTemplate(product: PublishedProductBody): ProductDraft {
  return {
    title: product.title,
    description: product.description ?? "",
    currency: product.currency,
    variants: product.variants.map((v) => ({
      key: nextKey++,
      sku: v.sku,
      title: v.title,
      options: formatOptions(v.options),
      price: String(v.price),
      uid: v.product_uid,
      files: Object.fromEntries(v.print_files.map((f) => [f.type, f.url])),
    })),
  };
}

/** The body of POST .../publish-requests (and of a template): the print files asked by each
 * variant's catalog product that the user filled; `badOptions` names the first variant (by
 * key) whose options are malformed. */
export function publishBody(draft: ProductDraft, catalog: Record<string, CatalogProduct | null | undefined>): { body: PublishProduct; badOptions: number | null } {
  let badOptions: number | null = null;
  const variants: PublishProduct["variants"] = [];
  for (const v of draft.variants) {
    const options = parseOptions(v.options);
    if (options === null) {
      badOptions ??= v.key;
      continue;
    }
    const uid = v.uid.trim();
    const names = printFilesOf(catalog[uid], v);
    variants.push({
      sku: v.sku.trim(),
      title: v.title.trim(),
      options,
      price: v.price.trim().replace(",", "."),
      product_uid: uid,
      print_files: names.filter((name) => (v.files[name] ?? "").trim()).map((name) => ({ type: name, url: (v.files[name] ?? "").trim() })),
      print_options: {},
    });
  }
  const body: PublishProduct = {
    title: draft.title.trim(),
    description: draft.description.trim() || null,
    currency: draft.currency.trim().toUpperCase(),
    tags: [],
    image_urls: [],
    variants,
  };
  return { body, badOptions };
}

/** Why the shop did not create the product, as a message key of ours (the connector's reason). */
export const PUBLISH_FAILURES = [
  "platform_not_supported",
  "platform_refused",
  "store_disconnected",
  "store_not_found",
  "platform_auth_failed",
  "platform_unavailable",
  "plan_restricted",
] as const;
export type PublishFailure = (typeof PUBLISH_FAILURES)[number] | "other";

export function publishFailureOf(request: PublishRequest): PublishFailure {
  const reason = request.failure_reason ?? "";
  return (PUBLISH_FAILURES as readonly string[]).includes(reason) ? (reason as PublishFailure) : "other";
}

/** The shop's own words when it refused the product (what follows the connector's lead-in), else null:
 * only a refusal carries words of the shop; the other reasons are said by our own message. */
export function shopWords(request: PublishRequest): string | null {
  if (request.failure_reason !== "platform_refused" || !request.failure_detail) return null;
  const at = request.failure_detail.indexOf(": ");
  return at >= 0 ? request.failure_detail.slice(at + 2) : request.failure_detail;
}

export function publishFinished(request: PublishRequest): boolean {
  return request.status !== "requested";
}
