import { useEffect, useId, useState } from "react";
import { query } from "../api/http";
import type { CatalogPage, CatalogProduct } from "../api/mapping-types";
import { ApiError } from "../api/problems";
import { useApp } from "../app";
import { Field } from "../ui/components";
import { printFileName, printFilesOf } from "./logic";

const LOOKUP_DELAY_MS = 350;

type Lookup = { state: "idle" | "checking" } | { state: "found"; product: CatalogProduct } | { state: "unknown"; detail: string };

/** What a typed catalog UID names: the product (the catalog's own refusal when there is none),
 * looked up as the user types, and the catalog products whose UID or title hold what is typed. */
export interface CatalogChoice {
  lookup: Lookup;
  matches: CatalogProduct[];
  product: CatalogProduct | null;
}

/** The catalog product a typed UID names, told to `onProduct` once found (the form keeps it to
 * build its request), and the catalog products to suggest while typing. */
export function useCatalogChoice(uid: string, onProduct: (uid: string, product: CatalogProduct | null) => void): CatalogChoice {
  const { api } = useApp();
  const [lookup, setLookup] = useState<Lookup>({ state: "idle" });
  const [matches, setMatches] = useState<CatalogProduct[]>([]);
  useEffect(() => {
    const typed = uid.trim();
    if (!typed) {
      setLookup({ state: "idle" });
      setMatches([]);
      return;
    }
    let live = true;
    setLookup({ state: "checking" });
    const timer = window.setTimeout(() => {
      api.get<CatalogProduct>(`/catalog/products/${encodeURIComponent(typed)}`).then(
        (product) => live && setLookup({ state: "found", product }),
        (error: unknown) => {
          if (!live) return;
          if (error instanceof ApiError && error.status === 404) setLookup({ state: "unknown", detail: error.problem.detail ?? error.problem.title });
          else setLookup({ state: "idle" });
        },
      );
      api.get<CatalogPage>(`/catalog/products${query({ search: typed, limit: 10 })}`).then(
        (page) => live && setMatches(page.items),
        () => live && setMatches([]),
      );
    }, LOOKUP_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [api, uid]);
  useEffect(() => {
    if (lookup.state === "found") onProduct(lookup.product.product_uid, lookup.product);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lookup]);
  return { lookup, matches, product: lookup.state === "found" ? lookup.product : null };
}

/** The catalog UID of a variant: suggestions as typed, the product found (or the catalog's
 * refusal), and the API's refusals of the UID. */
export function CatalogUidField(props: { uid: string; choice: CatalogChoice; errors: string[]; onChange: (uid: string) => void }) {
  const { t } = useApp();
  const id = useId();
  const { lookup, matches, product } = props.choice;
  const error = props.errors.length ? props.errors.join(" ") : lookup.state === "unknown" ? lookup.detail : undefined;
  const described = [`${id}-hint`, error ? `${id}-error` : "", product || lookup.state === "checking" ? `${id}-found` : ""].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{t("mapping.connect.uid")}</label>
      <input
        id={id}
        name="product_uid"
        list={`${id}-catalog`}
        value={props.uid}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <datalist id={`${id}-catalog`}>
        {matches.map((m) => (
          <option key={m.product_uid} value={m.product_uid}>
            {m.title}
          </option>
        ))}
      </datalist>
      <p className="hint" id={`${id}-hint`}>
        {t("mapping.connect.uidHint")}
      </p>
      {lookup.state === "checking" && (
        <p className="hint" id={`${id}-found`} role="status">
          {t("mapping.connect.uidChecking")}
        </p>
      )}
      {product && (
        <p className="hint found" id={`${id}-found`} data-catalog-title>
          {t("mapping.connect.uidFound", { title: product.title })}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`} data-field-error="product_uid">
          {error}
        </p>
      )}
    </div>
  );
}

/** A design file URL for each print file of the chosen catalog product (or, before one is
 * chosen, of the files already given), each with the API's refusals of it. */
export function DesignFileFields(props: {
  product: CatalogProduct | null;
  files: Record<string, string>;
  errorsOf: (printFile: string) => string[];
  onChange: (files: Record<string, string>) => void;
}) {
  const { t } = useApp();
  const printFiles = printFilesOf(props.product, { files: props.files });
  if (printFiles.length === 0) return <p className="hint">{t("mapping.connect.chooseFirst")}</p>;
  return (
    <>
      {printFiles.map((printFile) => {
        const errors = props.errorsOf(printFile);
        return (
          <Field
            key={printFile}
            label={t("mapping.connect.file", { printFile: printFileName(printFile, t) })}
            name={`print_file_${printFile}`}
            type="url"
            value={props.files[printFile] ?? ""}
            onChange={(url) => props.onChange({ ...props.files, [printFile]: url })}
            hint={t("mapping.connect.fileHint")}
            error={errors.length ? errors.join(" ") : undefined}
          />
        );
      })}
    </>
  );
}
