import { describe, expect, it } from "vitest";
import type { CatalogProduct, StoreVariant } from "../api/mapping-types";
import { byProduct, connectBody, draftOf, fileKey, importPercent, mayChangeMappings, parseOptions, placeRefusals, printFileName, refusalsOf } from "./logic";

function variant(product: string, id: string, extra: Partial<StoreVariant> = {}): StoreVariant {
  return {
    platform_product_id: product,
    platform_variant_id: id,
    product_title: `Poster ${product}`,
    product_status: "publish",
    variant_title: null,
    sku: null,
    options: { Size: "XS" },
    removed: false,
    mapping_state: "unmapped",
    mapping: null,
    ...extra,
  };
}

const tee = { product_uid: "apparel_tee_xs_black", print_spec: { print_files: ["front", "back"] } } as unknown as CatalogProduct;

describe("mapping rules", () => {
  it("lets only operators, admins and store managers change mappings", () => {
    expect(["operator", "admin", "store_manager", "order_manager", "read_only"].map((r) => mayChangeMappings(r as never))).toEqual([true, true, true, false, false]);
  });

  it("groups the variants by product in the API's order", () => {
    const groups = byProduct([variant("1", "a"), variant("1", "b"), variant("2", "c")]);
    expect(groups.map((g) => [g.productId, g.variants.map((v) => v.platform_variant_id)])).toEqual([
      ["1", ["a", "b"]],
      ["2", ["c"]],
    ]);
  });

  it("reads print options written name=value|name=value, and refuses another shape", () => {
    expect(parseOptions("finish=matte | paper=200gsm")).toEqual({ finish: "matte", paper: "200gsm" });
    expect(parseOptions("")).toEqual({});
    expect(parseOptions("matte")).toBeNull();
  });

  it("sends the variants given a UID, with the catalog product's print files that are filled", () => {
    const drafts = {
      a: { uid: " apparel_tee_xs_black ", files: { front: " http://x/f.png ", back: "" }, options: "finish=matte" },
      b: { uid: "", files: {}, options: "" },
    };
    const { body, badOptions } = connectBody(drafts, { apparel_tee_xs_black: tee });
    expect(badOptions).toBeNull();
    expect(body.variants).toEqual([
      { platform_variant_id: "a", product_uid: "apparel_tee_xs_black", print_files: [{ type: "front", url: "http://x/f.png" }], print_options: { finish: "matte" } },
    ]);
    expect(connectBody({ a: { ...drafts.a, options: "oops" } }, {}).badOptions).toBe("a");
  });

  it("starts a mapped variant's draft from its mapping", () => {
    const mapped = variant("1", "a", {
      mapping_state: "mapped",
      mapping: { product_uid: "u", print_files: [{ type: "front", url: "http://x/f.png" }], print_options: { finish: "matte" } } as unknown as StoreVariant["mapping"],
    });
    expect(draftOf(mapped)).toEqual({ uid: "u", files: { front: "http://x/f.png" }, options: "finish=matte" });
  });

  it("places a refusal next to the UID, next to the design file it names, or at the variant", () => {
    const refusals = refusalsOf({
      title: "Mapping refused",
      status: 422,
      errors: [
        { location: ["body", "variants", "0", "product_uid"], message: "no UID", type: "uid_unknown", platform_variant_id: "a" },
        {
          location: ["body", "variants", "0", "print_files", "1", "url"],
          message: "HTML",
          type: "design_file_format_unknown",
          platform_variant_id: "a",
          url: "http://x/b.png",
        },
        { location: ["body", "variants", "1", "platform_variant_id"], message: "gone", type: "variant_unknown", platform_variant_id: "b" },
        { location: ["body"], message: "not ours", type: "missing" },
      ],
    } as never);
    const placed = placeRefusals(refusals, { a: { uid: "x", files: { front: "http://x/f.png", back: "http://x/b.png" }, options: "" } });
    expect(placed.uid).toEqual({ a: ["no UID"] });
    expect(placed.file).toEqual({ [fileKey("a", "back")]: ["HTML"] });
    expect(placed.variant).toEqual({ b: ["gone"] });
  });

  it("tells an import's progress from its checked rows", () => {
    const job = { status: "checking", total_rows: 200, checked_rows: 50 } as never;
    expect(importPercent(job)).toBe(25);
    expect(importPercent({ status: "checking", total_rows: 0, checked_rows: 0 } as never)).toBeNull();
    expect(importPercent({ status: "done", total_rows: 3, checked_rows: 1 } as never)).toBe(100);
  });
});

describe("mapping messages", () => {
  it("are not overridden by another screen's key of the same name", async () => {
    const { en, fr } = await import("../i18n/messages");
    const { mappingEn, mappingFr } = await import("../i18n/mapping-messages");
    for (const [key, text] of Object.entries(mappingEn)) expect(en[key as keyof typeof en]).toBe(text);
    for (const [key, text] of Object.entries(mappingFr)) expect(fr[key as keyof typeof fr]).toBe(text);
  });
});

describe("print file names", () => {
  it("are said in the reader's language, and a name the console does not know as the catalog says it", async () => {
    const { en, fr } = await import("../i18n/messages");
    const say = (catalogue: Record<string, string>) => (key: string) => catalogue[key] ?? key;
    expect(printFileName("default", say(fr))).toBe("principal");
    expect(printFileName("back", say(fr))).toBe("verso");
    expect(printFileName("default", say(en))).toBe("main");
    expect(printFileName("label_inside_neck", say(fr))).toBe("label_inside_neck");
  });
});
