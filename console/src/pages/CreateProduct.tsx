import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { query } from "../api/http";
import type { CatalogProduct, ProductTemplate, PublishRequest, TemplateCreate } from "../api/mapping-types";
import { ApiError, fieldErrors, problemItems } from "../api/problems";
import type { Problem, Store } from "../api/types";
import { useApp } from "../app";
import { CatalogUidField, DesignFileFields, useCatalogChoice } from "../mapping/CatalogChoice";
import { refusalsOf } from "../mapping/logic";
import { blankProduct, blankVariant, draftOfTemplate, publishBody, type ProductDraft, type PublishVariantDraft } from "../mapping/publishing";
import { Field, FormError, LoadError, Notice, PageTitle, useLoad } from "../ui/components";

/** A publish refusal's reasons for one variant (the n-th, named by its SKU): by field, by file,
 * the rest; and the request's own checks of its fields (location ["body", "variants", n, field]). */
function refusalsFor(problem: Problem | null, variant: PublishVariantDraft, index: number) {
  const sku = variant.sku.trim();
  const mine = refusalsOf(problem).filter((r) => r.variantId === sku);
  const files: Record<string, string[]> = {};
  const uid: string[] = [];
  const skuErrors: string[] = [];
  const rest: string[] = [];
  const fields: Record<string, string> = {};
  for (const item of problemItems(problem)) {
    const [where, list, position, field] = item.location;
    if (where === "body" && list === "variants" && position === String(index) && field && item.names.platform_variant_id === undefined) fields[field] ??= item.message;
  }
  for (const r of mine) {
    const printFile = r.url ? Object.keys(variant.files).find((name) => (variant.files[name] ?? "").trim() === r.url) : undefined;
    if (r.field === "product_uid") uid.push(r.detail);
    else if (r.field === "sku") skuErrors.push(r.detail);
    else if (printFile) (files[printFile] ??= []).push(r.detail);
    else rest.push(r.detail);
  }
  return { files, uid, sku: skuErrors, rest, fields };
}

function VariantToPublishFields(props: {
  n: number;
  draft: PublishVariantDraft;
  problem: Problem | null;
  badOptions: boolean;
  removable: boolean;
  onChange: (draft: PublishVariantDraft) => void;
  onProduct: (uid: string, product: CatalogProduct | null) => void;
  onRemove: () => void;
}) {
  const { t } = useApp();
  const { draft, n } = props;
  const choice = useCatalogChoice(draft.uid, props.onProduct);
  const refused = refusalsFor(props.problem, draft, n - 1);
  const name = t("publish.variant", { n });
  return (
    <fieldset className="panel variant-choice" aria-label={name}>
      <legend>{name}</legend>
      {refused.rest.length > 0 && (
        <ul className="alert alert-error problems">
          {refused.rest.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      )}
      <div className="form-row">
        <Field label={t("publish.sku")} name="sku" value={draft.sku} required onChange={(sku) => props.onChange({ ...draft, sku })} error={refused.sku.join(" ") || refused.fields.sku} />
        <Field label={t("publish.variantTitle")} name="variant_title" value={draft.title} required hint={t("publish.variantTitleHint")} onChange={(title) => props.onChange({ ...draft, title })} error={refused.fields.title} />
        <Field label={t("publish.price")} name="price" value={draft.price} required onChange={(price) => props.onChange({ ...draft, price })} error={refused.fields.price} />
      </div>
      <Field
        label={t("publish.options")}
        name="options"
        value={draft.options}
        optional
        hint={t("publish.optionsHint")}
        error={props.badOptions ? t("publish.optionsInvalid") : undefined}
        onChange={(options) => props.onChange({ ...draft, options })}
      />
      <CatalogUidField uid={draft.uid} choice={choice} errors={refused.uid} onChange={(uid) => props.onChange({ ...draft, uid })} />
      <DesignFileFields product={choice.product} files={draft.files} errorsOf={(printFile) => refused.files[printFile] ?? []} onChange={(files) => props.onChange({ ...draft, files })} />
      {props.removable && (
        <button type="button" className="button secondary small" onClick={props.onRemove}>
          {t("publish.removeVariant", { n })}
        </button>
      )}
    </fieldset>
  );
}

/** Create a product from the catalog and publish it to the store's shop: title, options, price
 * and design files per variant (or a saved template's, changed as needed); the mapping service
 * checks it like a connection and answers a publish request, whose status page follows it. The
 * form may also be saved as a template of the client. */
export function CreateProductPage() {
  const { api, t, role } = useApp();
  const navigate = useNavigate();
  const { storeId = "" } = useParams();
  const [params] = useSearchParams();
  const store = useLoad(() => api.get<Store>(`/stores/${storeId}`), [storeId]);
  const clientId = store.data?.client_id ?? "";
  const templates = useLoad(
    () => (clientId ? api.get<ProductTemplate[]>(`/product-templates${query({ client_id: role === "operator" ? clientId : null })}`) : Promise.resolve<ProductTemplate[]>([])),
    [clientId, role],
  );
  const [draft, setDraft] = useState<ProductDraft>(() => blankProduct());
  const [templateId, setTemplateId] = useState(params.get("template") ?? "");
  const [catalog, setCatalog] = useState<Record<string, CatalogProduct | null>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [badOptions, setBadOptions] = useState<number | null>(null);
  const [templateName, setTemplateName] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const maySaveTemplate = role === "admin" || role === "store_manager";

  useEffect(() => {
    const chosen = templates.data?.find((tpl) => tpl.template_id === templateId);
    if (chosen) {
      setDraft(draftOfTemplate(chosen.product));
      setTemplateName(chosen.name);
    }
  }, [templates.data, templateId]);

  const errors = fieldErrors(problem);
  const back = `/console/stores/${storeId}/products`;

  async function act(call: () => Promise<void>) {
    setProblem(null);
    setMessage(null);
    setSaved(null);
    const { badOptions: bad } = publishBody(draft, catalog);
    setBadOptions(bad);
    if (bad !== null) return;
    setBusy(true);
    try {
      await call();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setProblem(e.problem);
      setMessage(e.problem.detail ?? e.problem.title);
    } finally {
      setBusy(false);
    }
  }

  async function publish(event: FormEvent) {
    event.preventDefault();
    await act(async () => {
      const { body } = publishBody(draft, catalog);
      const created = await api.send<PublishRequest>("POST", `/stores/${storeId}/publish-requests`, body);
      navigate(`/console/stores/${storeId}/publish-requests/${created.publish_request_id}`);
    });
  }

  async function saveTemplate() {
    if (!templateName.trim()) {
      setProblem({ type: "about:blank", title: t("publish.templateNameRequired"), status: 422, field: "name" });
      return;
    }
    await act(async () => {
      const body: TemplateCreate = { name: templateName.trim(), product: publishBody(draft, catalog).body };
      const template = await api.send<ProductTemplate>("POST", "/product-templates", body);
      setSaved(t("publish.templateSaved", { name: template.name }));
      templates.reload();
      setTemplateId(template.template_id);
    });
  }

  return (
    <>
      <p>
        <Link to={back}>{t("publish.back")}</Link>
      </p>
      <PageTitle>{t("publish.title", { store: store.data?.name ?? "" })}</PageTitle>
      <p className="lead">{t("publish.lead")}</p>
      <LoadError error={store.error ?? templates.error} retry={store.reload} />
      {saved && <Notice>{saved}</Notice>}
      <FormError message={message ?? undefined} />
      <form onSubmit={(e) => void publish(e)} noValidate aria-busy={busy}>
        {(templates.data?.length ?? 0) > 0 && (
          <div className="field">
            <label htmlFor="publish-template">{t("publish.fromTemplate")}</label>
            <select
              id="publish-template"
              value={templateId}
              onChange={(e) => {
                setTemplateId(e.target.value);
                if (!e.target.value) setDraft(blankProduct(draft.currency));
              }}
            >
              <option value="">{t("publish.noTemplate")}</option>
              {templates.data?.map((tpl) => (
                <option key={tpl.template_id} value={tpl.template_id}>
                  {tpl.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <Field label={t("publish.productTitle")} name="title" value={draft.title} required onChange={(title) => setDraft({ ...draft, title })} error={errors.title} />
        <Field label={t("publish.description")} name="description" value={draft.description} optional multiline onChange={(description) => setDraft({ ...draft, description })} error={errors.description} />
        <Field label={t("publish.currency")} name="currency" value={draft.currency} required hint={t("publish.currencyHint")} maxLength={3} onChange={(currency) => setDraft({ ...draft, currency })} error={errors.currency} />
        <h2>{t("publish.variants")}</h2>
        {draft.variants.map((variant, index) => (
          <VariantToPublishFields
            key={variant.key}
            n={index + 1}
            draft={variant}
            problem={problem}
            badOptions={badOptions === variant.key}
            removable={draft.variants.length > 1}
            onChange={(next) => setDraft((d) => ({ ...d, variants: d.variants.map((v) => (v.key === next.key ? next : v)) }))}
            onProduct={(uid, product) => setCatalog((all) => (all[uid] === product ? all : { ...all, [uid]: product }))}
            onRemove={() => setDraft((d) => ({ ...d, variants: d.variants.filter((v) => v.key !== variant.key) }))}
          />
        ))}
        <p>
          <button type="button" className="button secondary" onClick={() => setDraft((d) => ({ ...d, variants: [...d.variants, blankVariant()] }))}>
            {t("publish.addVariant")}
          </button>
        </p>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {t("publish.submit")}
          </button>
          {busy && (
            <p role="status" className="hint">
              {t("publish.checking")}
            </p>
          )}
        </div>
        {maySaveTemplate && (
          <section className="panel" aria-label={t("publish.saveTemplate")}>
            <Field label={t("publish.templateName")} name="name" value={templateName} onChange={setTemplateName} error={errors.name} />
            <button type="button" className="button secondary" disabled={busy} onClick={() => void saveTemplate()}>
              {t("publish.saveTemplate")}
            </button>
          </section>
        )}
      </form>
    </>
  );
}
