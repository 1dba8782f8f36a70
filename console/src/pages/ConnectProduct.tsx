import { useEffect, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { query } from "../api/http";
import type { CatalogProduct, ConnectedProduct, StoreProductsPage, StoreVariant } from "../api/mapping-types";
import { ApiError } from "../api/problems";
import type { Problem, Store } from "../api/types";
import { useApp } from "../app";
import {
  connectBody,
  draftOf,
  fileKey,
  mayChangeMappings,
  placeRefusals,
  printFileName,
  refusalsOf,
  variantLabel,
  type VariantDraft,
} from "../mapping/logic";
import { CatalogUidField, DesignFileFields, useCatalogChoice } from "../mapping/CatalogChoice";
import { ConfirmButton, Field, FormError, LoadError, Notice, PageTitle, useLoad } from "../ui/components";
import { MappingStateBadge } from "./StoreProducts";

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
  const choice = useCatalogChoice(draft.uid, props.onProduct);
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
      <CatalogUidField uid={draft.uid} choice={choice} errors={props.uidErrors} onChange={(uid) => props.onChange({ ...draft, uid })} />
      <DesignFileFields product={choice.product} files={draft.files} errorsOf={props.fileErrors} onChange={(files) => props.onChange({ ...draft, files })} />
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
      <dt>{t("mapping.connect.file", { printFile: printFileName(type, t) })}</dt>
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
