import { useEffect, useId, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { query } from "../api/http";
import type { CatalogPage, CatalogProduct, ConnectedProduct, StoreProductsPage, StoreVariant } from "../api/mapping-types";
import { ApiError } from "../api/problems";
import type { Problem, Store } from "../api/types";
import { useApp } from "../app";
import {
  connectBody,
  draftOf,
  fileKey,
  mayChangeMappings,
  placeRefusals,
  printFilesOf,
  refusalsOf,
  variantLabel,
  type VariantDraft,
} from "../mapping/logic";
import { ConfirmButton, Field, FormError, LoadError, Notice, PageTitle, useLoad } from "../ui/components";
import { MappingStateBadge } from "./StoreProducts";

const LOOKUP_DELAY_MS = 350;

type Lookup = { state: "idle" | "checking" } | { state: "found"; product: CatalogProduct } | { state: "unknown"; detail: string };

/** The catalog product a typed UID names, looked up as the user types (the catalog's own
 * refusal when there is none), and the catalog products whose UID or title hold what is typed. */
export function useCatalogLookup(uid: string) {
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
  return { lookup, matches };
}

/** One variant's choice: the catalog UID (searched as typed), a design file URL per print file
 * of the chosen catalog product, print options; the API's refusals next to the field they are about. */
function VariantFields(props: {
  variant: StoreVariant;
  draft: VariantDraft;
  onChange: (draft: VariantDraft) => void;
  onProduct: (uid: string, product: CatalogProduct | null) => void;
  uidErrors: string[];
  fileErrors: (printFile: string) => string[];
  variantErrors: string[];
  optionsError?: string;
  onUnmap: () => Promise<void>;
}) {
  const { t } = useApp();
  const { variant, draft } = props;
  const { lookup, matches } = useCatalogLookup(draft.uid);
  const id = useId();
  const product = lookup.state === "found" ? lookup.product : null;
  useEffect(() => {
    if (lookup.state === "found") props.onProduct(lookup.product.product_uid, lookup.product);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lookup]);
  const uidError = props.uidErrors.length ? props.uidErrors.join(" ") : lookup.state === "unknown" ? lookup.detail : undefined;
  const described = [`${id}-hint`, uidError ? `${id}-error` : "", product || lookup.state === "checking" ? `${id}-found` : ""].filter(Boolean).join(" ");
  const label = variantLabel(variant);
  return (
    <fieldset className="panel variant-choice" aria-label={t("mapping.connect.variant", { name: label })}>
      <legend>
        {t("mapping.connect.variant", { name: label })} {variant.sku && <span className="code">{variant.sku}</span>} <MappingStateBadge variant={variant} />
      </legend>
      {props.variantErrors.length > 0 && (
        <ul className="alert alert-error problems" data-variant-errors={variant.platform_variant_id}>
          {props.variantErrors.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      )}
      <div className={`field${uidError ? " field-invalid" : ""}`}>
        <label htmlFor={id}>{t("mapping.connect.uid")}</label>
        <input
          id={id}
          name="product_uid"
          list={`${id}-catalog`}
          value={draft.uid}
          autoComplete="off"
          aria-invalid={uidError ? true : undefined}
          aria-describedby={described}
          onChange={(e) => props.onChange({ ...draft, uid: e.target.value })}
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
        {uidError && (
          <p className="field-error" id={`${id}-error`} data-field-error="product_uid">
            {uidError}
          </p>
        )}
      </div>
      {printFilesOf(product, draft).length === 0 && <p className="hint">{t("mapping.connect.chooseFirst")}</p>}
      {printFilesOf(product, draft).map((printFile) => {
        const errors = props.fileErrors(printFile);
        return (
          <Field
            key={printFile}
            label={t("mapping.connect.file", { printFile })}
            name={`print_file_${printFile}`}
            type="url"
            value={draft.files[printFile] ?? ""}
            onChange={(url) => props.onChange({ ...draft, files: { ...draft.files, [printFile]: url } })}
            hint={t("mapping.connect.fileHint")}
            error={errors.length ? errors.join(" ") : undefined}
          />
        );
      })}
      <Field label={t("mapping.connect.options")} name="print_options" value={draft.options} optional onChange={(options) => props.onChange({ ...draft, options })} hint={t("mapping.connect.optionsHint")} error={props.optionsError} />
      {variant.mapping && (
        <ConfirmButton label={t("mapping.connect.unmap")} question={t("mapping.connect.unmapQuestion", { variant: label })} onConfirm={props.onUnmap} />
      )}
    </fieldset>
  );
}

/** What a variant is mapped to, for a role that may not change it. */
function VariantMapping({ variant }: { variant: StoreVariant }) {
  const { t } = useApp();
  const label = variantLabel(variant);
  return (
    <section className="panel" aria-label={t("mapping.connect.variant", { name: label })}>
      <h2>
        {t("mapping.connect.variant", { name: label })} <MappingStateBadge variant={variant} />
      </h2>
      {!variant.mapping && <p className="hint">{t("mapping.connect.notMapped")}</p>}
      {variant.mapping && (
        <dl className="details">
          <dt>{t("mapping.catalogProduct")}</dt>
          <dd className="code">{variant.mapping.product_uid}</dd>
          {variant.mapping.print_files.map((f) => (
            <FileRow key={f.type} type={f.type} url={f.url} />
          ))}
          {Object.keys(variant.mapping.print_options).length > 0 && (
            <>
              <dt>{t("mapping.connect.options")}</dt>
              <dd className="code">{Object.entries(variant.mapping.print_options).map(([k, v]) => `${k}=${v}`).join(" | ")}</dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}

function FileRow({ type, url }: { type: string; url: string }) {
  const { t } = useApp();
  return (
    <>
      <dt>{t("mapping.connect.file", { printFile: type })}</dt>
      <dd className="url">{url}</dd>
    </>
  );
}

/** Connect a store product's variants to the catalog: per variant the catalog UID (searched and
 * checked as typed), design file URLs and print options; the mapping service downloads and checks
 * each file, and its refusals (wrong UID, unreachable file, HTML posing as PNG, private address)
 * are shown next to their field. Unmap a variant or all; connect again to remap. */
export function ConnectProductPage() {
  const { api, t, role } = useApp();
  const { storeId = "", productId = "" } = useParams();
  const canMap = mayChangeMappings(role);
  const store = useLoad(() => api.get<Store>(`/stores/${storeId}`), [storeId]);
  const { data, error, reload, setData } = useLoad(
    () => api.get<StoreProductsPage>(`/stores/${storeId}/products${query({ product_id: productId, limit: 500 })}`),
    [storeId, productId],
  );
  const [drafts, setDrafts] = useState<Record<string, VariantDraft>>({});
  const [catalog, setCatalog] = useState<Record<string, CatalogProduct | null>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [badOptions, setBadOptions] = useState<string | null>(null);
  const variants = (data?.items ?? []).filter((v) => !v.removed || v.mapping);
  const title = variants[0]?.product_title ?? productId;

  useEffect(() => {
    if (data) setDrafts(Object.fromEntries(data.items.filter((v) => !v.removed).map((v) => [v.platform_variant_id, draftOf(v)])));
  }, [data]);

  const placed = placeRefusals(refusalsOf(problem), drafts);
  const back = `/console/stores/${storeId}/products`;

  async function act(call: () => Promise<void>, success: string) {
    setProblem(null);
    setMessage(null);
    setDone(null);
    setBusy(true);
    try {
      await call();
      setDone(success);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setProblem(e.problem);
      setMessage(e.problem.detail ?? e.problem.title);
    } finally {
      setBusy(false);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { body, badOptions: bad } = connectBody(drafts, catalog);
    setBadOptions(bad);
    if (bad) return;
    if (body.variants.length === 0) {
      setProblem(null);
      setDone(null);
      setMessage(t("mapping.connect.nothing"));
      return;
    }
    await act(async () => {
      const connected = await api.send<ConnectedProduct>("PUT", `/stores/${storeId}/products/${encodeURIComponent(productId)}/mapping`, body);
      setData((page) => (page ? { ...page, items: page.items.map((v) => connected.variants.find((c) => c.platform_variant_id === v.platform_variant_id) ?? v) } : page));
    }, t("mapping.connect.done"));
  }

  async function unmap(variantIds: string[] | null) {
    await act(async () => {
      const ids = variantIds ? variantIds.map((id) => `variant_id=${encodeURIComponent(id)}`).join("&") : "";
      await api.send<void>("DELETE", `/stores/${storeId}/products/${encodeURIComponent(productId)}/mapping${ids ? `?${ids}` : ""}`);
      reload();
    }, t("mapping.connect.unmapped"));
  }

  if (!data) return <LoadError error={error} retry={reload} />;
  return (
    <>
      <p>
        <Link to={back}>{t("mapping.connect.back")}</Link>
      </p>
      <PageTitle
        actions={
          canMap && variants.some((v) => v.mapping) ? (
            <ConfirmButton danger label={t("mapping.connect.unmapAll")} question={t("mapping.connect.unmapAllQuestion", { product: title })} onConfirm={() => unmap(null)} />
          ) : undefined
        }
      >
        {canMap ? t("mapping.connect.title", { product: title }) : title}
      </PageTitle>
      {store.data && <p className="hint">{store.data.name}</p>}
      {!canMap && <p className="alert alert-info">{t("mapping.connect.readOnly")}</p>}
      {done && <Notice>{done}</Notice>}
      <FormError message={message ?? undefined} />
      {!canMap ? (
        variants.map((variant) => <VariantMapping key={variant.platform_variant_id} variant={variant} />)
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
          <p className="lead">{t("mapping.connect.lead")}</p>
          {variants.map((variant) => {
            const vid = variant.platform_variant_id;
            const draft = drafts[vid];
            if (!draft) return <VariantMapping key={vid} variant={variant} />;
            return (
              <VariantFields
                key={vid}
                variant={variant}
                draft={draft}
                onChange={(next) => setDrafts((all) => ({ ...all, [vid]: next }))}
                onProduct={(uid, product) => setCatalog((all) => (all[uid] === product ? all : { ...all, [uid]: product }))}
                uidErrors={placed.uid[vid] ?? []}
                fileErrors={(printFile) => placed.file[fileKey(vid, printFile)] ?? []}
                variantErrors={placed.variant[vid] ?? []}
                optionsError={badOptions === vid ? t("mapping.connect.optionsInvalid") : undefined}
                onUnmap={() => unmap([vid])}
              />
            );
          })}
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t("mapping.connect.submit")}
            </button>
            {busy && (
              <p role="status" className="hint">
                {t("mapping.connect.checking")}
              </p>
            )}
          </div>
        </form>
      )}
    </>
  );
}
