import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { query } from "../api/http";
import type { StoreProductsPage, StoreVariant } from "../api/mapping-types";
import type { Store } from "../api/types";
import { useApp } from "../app";
import type { MessageKey } from "../i18n/messages";
import { brokenReasonOf, byProduct, MAPPING_STATES, mappingStateTone, mayChangeMappings, variantLabel } from "../mapping/logic";
import { Badge, EmptyState, LoadError, PageTitle, useLoad } from "../ui/components";

const PAGE_SIZE = 50; // products a page, each with all its variants

export function productPath(storeId: string, productId: string): string {
  return `/console/stores/${encodeURIComponent(storeId)}/products/${encodeURIComponent(productId)}`;
}

export function MappingStateBadge({ variant }: { variant: StoreVariant }) {
  const { t } = useApp();
  const state = variant.mapping_state;
  return (
    <>
      <Badge tone={mappingStateTone(state)}>{t(`mapping.state.${state}` as MessageKey)}</Badge>
      {state === "broken" && <span className="hint"> ({t(`mapping.broken.${brokenReasonOf(variant.mapping?.broken_reason)}` as MessageKey)})</span>}
    </>
  );
}

/** A store's products, each variant with its mapping state (mapped, unmapped, broken) and the
 * catalog product it is printed as; filtered by state, searched by title or SKU, a page at a
 * time. Each product links to its connect form (or, for roles that may not map, its mapping). */
export function StoreProductsPage() {
  const { api, t, role } = useApp();
  const { storeId = "" } = useParams();
  const canMap = mayChangeMappings(role);
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [state, setState] = useState("");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const store = useLoad(() => api.get<Store>(`/stores/${storeId}`), [storeId]);
  const { data, error, reload } = useLoad(
    () => api.get<StoreProductsPage>(`/stores/${storeId}/products${query({ state, search, cursor, limit: PAGE_SIZE })}`),
    [storeId, state, search, cursor],
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    setCursors([null]);
    setSearch(typed.trim());
  }
  const filtered = search !== "" || state !== "";
  const name = store.data?.name ?? "";
  return (
    <>
      <p>
        <Link to={`/console/stores/${storeId}`}>{t("mapping.back")}</Link>
      </p>
      <PageTitle
        actions={
          <>
            {canMap && (
              <Link className="button" to={`/console/stores/${storeId}/create-product`}>
                {t("publish.create")}
              </Link>
            )}
            <Link className="button secondary" to={`/console/stores/${storeId}/templates`}>
              {t("publish.templates")}
            </Link>
            <Link className="button secondary" to={`/console/stores/${storeId}/bulk`}>
              {t("mapping.bulk")}
            </Link>
          </>
        }
      >
        {t("mapping.title", { store: name })}
      </PageTitle>
      <p className="lead">{t("mapping.lead")}</p>
      <form className="toolbar" onSubmit={submit} role="search" aria-label={t("mapping.filters")}>
        <label className="grow">
          <span className="visually-hidden">{t("mapping.search")}</span>
          <input type="search" placeholder={t("mapping.search")} value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit" className="button secondary">
          {t("mapping.searchButton")}
        </button>
        <label>
          {t("mapping.stateFilter")}{" "}
          <select
            value={state}
            onChange={(e) => {
              setCursors([null]);
              setState(e.target.value);
            }}
          >
            <option value="">{t("mapping.any")}</option>
            {MAPPING_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`mapping.state.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <LoadError error={error ?? store.error} retry={reload} />
      {data && data.items.length === 0 && <EmptyState>{filtered ? t("mapping.noMatch") : t("mapping.empty")}</EmptyState>}
      {data && data.items.length > 0 && (
        <table className="store-products">
          <caption className="visually-hidden">{t("mapping.title", { store: name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("mapping.product")}</th>
              <th scope="col">{t("mapping.variant")}</th>
              <th scope="col">{t("mapping.sku")}</th>
              <th scope="col">{t("mapping.stateFilter")}</th>
              <th scope="col">{t("mapping.catalogProduct")}</th>
            </tr>
          </thead>
          {byProduct(data.items).map((group) => (
            <tbody key={group.productId}>
              {group.variants.map((variant, index) => (
                <tr key={variant.platform_variant_id}>
                  {index === 0 && (
                    <th scope="rowgroup" rowSpan={group.variants.length}>
                      <span className="product-title">{group.title}</span>
                      <Link className="button small secondary" to={productPath(storeId, group.productId)}>
                        {!canMap ? t("mapping.view") : group.variants.some((v) => v.mapping_state === "unmapped") ? t("mapping.connect") : t("mapping.change")}
                        <span className="visually-hidden"> {group.title}</span>
                      </Link>
                    </th>
                  )}
                  <td>
                    {variantLabel(variant)}
                    {variant.removed && <span className="hint"> ({t("mapping.removed")})</span>}
                  </td>
                  <td className="code">{variant.sku ?? "—"}</td>
                  <td>
                    <MappingStateBadge variant={variant} />
                  </td>
                  <td className="code">{variant.mapping?.product_uid ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      )}
      {(cursors.length > 1 || data?.next_cursor) && (
        <nav className="pager" aria-label={t("mapping.title", { store: name })}>
          <button type="button" className="button secondary" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t("common.previous")}
          </button>
          <button type="button" className="button secondary" disabled={!data?.next_cursor} onClick={() => data?.next_cursor && setCursors((c) => [...c, data.next_cursor ?? null])}>
            {t("common.next")}
          </button>
        </nav>
      )}
    </>
  );
}
