import { useState } from "react";
import { Link } from "react-router-dom";
import { query } from "../api/http";
import type { StorePage } from "../api/types";
import { useApp } from "../app";
import type { MessageKey } from "../i18n/messages";
import { shownStatus, statusOf, statusTone } from "../stores/logic";
import { Badge, EmptyState, LoadError, useLoad } from "../ui/components";

const PAGE_SIZE = 50;

export function StoreStatusBadge({ status }: { status: string }) {
  const { t } = useApp();
  return <Badge tone={statusTone(status)}>{t(`stores.status.${statusOf(status)}` as MessageKey)}</Badge>;
}

export function platformName(t: (key: MessageKey) => string, platform: string): string {
  const key = `stores.platform.${platform}`;
  return key in PLATFORM_KEYS ? t(key as MessageKey) : platform;
}
const PLATFORM_KEYS = Object.fromEntries(
  ["manual", "woocommerce", "shopify", "etsy", "pressero"].map((p) => [`stores.platform.${p}`, true]),
);

/** Where "Connect a store" opens: for an operator, on behalf of the client. */
export function connectPath(clientId?: string): string {
  return `/console/stores/connect${clientId ? query({ client: clientId }) : ""}`;
}

/** The stores a user may see: a client user's own (the API answers only those), or one
 * client's for an operator; status badges and what to do when there is none. */
export function StoreList({ clientId, page = false }: { clientId?: string; page?: boolean }) {
  const { api, t, date, can } = useApp();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const { data, error, reload } = useLoad(
    () => api.get<StorePage>(`/stores${query({ client_id: clientId, cursor, limit: PAGE_SIZE })}`),
    [clientId, cursor],
  );
  const connect = can.addStores ? (
    <Link className="button" to={connectPath(clientId)}>
      {t("stores.connect")}
    </Link>
  ) : undefined;
  return (
    <section aria-labelledby="stores-title">
      <div className="page-title">
        {page ? <h1 id="stores-title">{t("stores.title")}</h1> : <h2 id="stores-title">{t("stores.title")}</h2>}
        {connect && data && data.items.length > 0 && <div className="actions">{connect}</div>}
      </div>
      <LoadError error={error} retry={reload} />
      {data && data.items.length === 0 && (
        <EmptyState action={connect}>{can.addStores ? t("stores.empty") : t("stores.emptyAskAdmin")}</EmptyState>
      )}
      {data && data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t("stores.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("stores.name")}</th>
              <th scope="col">{t("stores.platform")}</th>
              <th scope="col">{t("stores.statusColumn")}</th>
              <th scope="col">{t("stores.added")}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((store) => (
              <tr key={store.id}>
                <td>
                  <Link to={`/console/stores/${store.id}`}>{store.name}</Link>
                  {store.test_mode && <span className="hint"> ({t("stores.testMode")})</span>}
                </td>
                <td>{platformName(t, store.platform)}</td>
                <td>
                  <StoreStatusBadge status={shownStatus(store.status, store.needs_attention)} />
                </td>
                <td>{date(store.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(cursors.length > 1 || data?.next_cursor) && (
        <nav className="pager" aria-label={t("stores.title")}>
          <button type="button" className="button secondary" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t("common.previous")}
          </button>
          <button type="button" className="button secondary" disabled={!data?.next_cursor} onClick={() => data?.next_cursor && setCursors((c) => [...c, data.next_cursor ?? null])}>
            {t("common.next")}
          </button>
        </nav>
      )}
    </section>
  );
}

/** A client user's stores. */
export function StoresPage() {
  return <StoreList page />;
}
