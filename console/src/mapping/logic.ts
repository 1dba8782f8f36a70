// The mapping screens' rules that need no server: who may change mappings, states' tones,
// variants grouped by product, the connect form's drafts to the API's body, a refusal's
// problems by variant and field, an import's progress.
import type { CatalogProduct, ConnectProduct, ImportJob, MappingState, StoreVariant } from "../api/mapping-types";
import { problemItems } from "../api/problems";
import type { Problem, Role } from "../api/types";
import { en, type MessageKey } from "../i18n/messages";

/** mapping-service's MAY_CHANGE_MAPPINGS: operators, the client's admin and store managers. */
export function mayChangeMappings(role: Role | null | undefined): boolean {
  return role === "operator" || role === "admin" || role === "store_manager";
}

export const MAPPING_STATES: readonly MappingState[] = ["mapped", "unmapped", "broken"];

export function mappingStateTone(state: MappingState): "ok" | "warn" | "bad" {
  return state === "mapped" ? "ok" : state === "broken" ? "bad" : "warn";
}

/** Why a mapping broke, as the mapping service names it (else "other"). */
export const BROKEN_REASONS = ["variant_deleted", "product_unpublished", "sku_changed", "options_changed", "catalog_product_retired"] as const;
export type BrokenReason = (typeof BROKEN_REASONS)[number] | "other";
export function brokenReasonOf(reason: string | null | undefined): BrokenReason {
  return (BROKEN_REASONS as readonly string[]).includes(reason ?? "") ? (reason as BrokenReason) : "other";
}

export interface ProductGroup {
  productId: string;
  title: string;
  variants: StoreVariant[];
}

/** The API lists variants by product then variant: one group per product, in that order. */
export function byProduct(variants: readonly StoreVariant[]): ProductGroup[] {
  const groups: ProductGroup[] = [];
  for (const variant of variants) {
    const last = groups[groups.length - 1];
    if (last && last.productId === variant.platform_product_id) last.variants.push(variant);
    else groups.push({ productId: variant.platform_product_id, title: variant.product_title, variants: [variant] });
  }
  return groups;
}

/** A variant's name for a person: its title, else its options, else its SKU or id. */
export function variantLabel(variant: StoreVariant): string {
  const options = Object.values(variant.options).join(" / ");
  return variant.variant_title || options || variant.sku || variant.platform_variant_id;
}

/** "size=M|paper=matte" ⇄ {size: "M", paper: "matte"} (the CSV files' way of writing them). */
export function parseOptions(text: string): Record<string, string> | null {
  const found: Record<string, string> = {};
  for (const part of text.split("|").map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf("=");
    if (at <= 0 || at === part.length - 1) return null;
    found[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return found;
}

export function formatOptions(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([name, value]) => `${name}=${value}`)
    .join("|");
}

/** What the form holds for one variant: the catalog UID, a URL per print file, print options. */
export interface VariantDraft {
  uid: string;
  files: Record<string, string>;
  options: string;
}

export function draftOf(variant: StoreVariant): VariantDraft {
  const mapping = variant.mapping;
  return {
    uid: mapping?.product_uid ?? "",
    files: Object.fromEntries((mapping?.print_files ?? []).map((f) => [f.type, f.url])),
    options: formatOptions(mapping?.print_options ?? {}),
  };
}

/** The print files to ask for: the catalog product's (front, back, ...), else those already
 * given (none until a catalog product is chosen). */
export function printFilesOf(product: CatalogProduct | null | undefined, draft: { files: Record<string, string> }): string[] {
  return product ? product.print_spec.print_files : Object.keys(draft.files);
}

/** A print file's name in the reader's language ("default" is the product's one print file, said
 * "main"; front, back, sleeve…); a name this console does not know stays as the catalog says it. */
export function printFileName(printFile: string, t: (key: MessageKey) => string): string {
  const key = `printFile.${printFile}`;
  return key in en ? t(key as MessageKey) : printFile;
}

/** The body of PUT .../mapping: the variants given a UID (the others are left as they are);
 * the print files the user filled; null names the first variant whose print options are malformed. */
export function connectBody(
  drafts: Record<string, VariantDraft>,
  catalog: Record<string, CatalogProduct | null | undefined>,
): { body: ConnectProduct; badOptions: string | null } {
  const variants: ConnectProduct["variants"] = [];
  let badOptions: string | null = null;
  for (const [variantId, draft] of Object.entries(drafts)) {
    const uid = draft.uid.trim();
    if (!uid) continue;
    const options = parseOptions(draft.options);
    if (options === null) {
      badOptions ??= variantId;
      continue;
    }
    const names = printFilesOf(catalog[uid], draft);
    const print_files = names.filter((name) => (draft.files[name] ?? "").trim()).map((name) => ({ type: name, url: (draft.files[name] ?? "").trim() }));
    variants.push({ platform_variant_id: variantId, product_uid: uid, print_files, print_options: options });
  }
  return { body: { variants }, badOptions };
}

/** One reason a connection (or a publication) is refused: an entry of the problem's `errors`
 * (read by the shared problemItems) that names a variant; `field` is the variant's field its
 * location names (product_uid, print_files, sku, ...). */
export interface Refusal {
  variantId: string;
  field: string | null;
  url: string | null;
  detail: string;
}

export function refusalsOf(problem: Problem | null | undefined): Refusal[] {
  const found: Refusal[] = [];
  for (const item of problemItems(problem)) {
    const variantId = item.names.platform_variant_id;
    if (typeof variantId !== "string") continue;
    const [, list, , field] = item.location;
    const url = item.names.url;
    found.push({ variantId, field: list === "variants" && field !== undefined ? field : null, url: typeof url === "string" ? url : null, detail: item.message });
  }
  return found;
}

/** Where each refusal is shown: next to the variant's UID, next to the design file it names,
 * or at the variant's head (options, unknown variant, a file the form no longer holds). */
export function placeRefusals(refusals: readonly Refusal[], drafts: Record<string, VariantDraft>) {
  const uid: Record<string, string[]> = {};
  const file: Record<string, string[]> = {};
  const variant: Record<string, string[]> = {};
  const push = (into: Record<string, string[]>, key: string, detail: string) => (into[key] ??= []).push(detail);
  for (const r of refusals) {
    const draft = drafts[r.variantId];
    const printFile = draft && r.url ? Object.keys(draft.files).find((name) => (draft.files[name] ?? "").trim() === r.url) : undefined;
    if (r.field === "product_uid") push(uid, r.variantId, r.detail);
    else if (printFile) push(file, fileKey(r.variantId, printFile), r.detail);
    else push(variant, r.variantId, r.detail);
  }
  return { uid, file, variant };
}

export function fileKey(variantId: string, printFile: string): string {
  return `${variantId}\u0000${printFile}`;
}

export function importFinished(job: ImportJob): boolean {
  return job.status !== "checking";
}

/** How far an import's check is, 0–100 (null while its rows are not counted yet). */
export function importPercent(job: ImportJob): number | null {
  if (importFinished(job)) return 100;
  if (job.total_rows <= 0) return null;
  return Math.min(100, Math.round((job.checked_rows / job.total_rows) * 100));
}
