import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { query } from "../api/http";
import type { ClientPage, OrderPage, StorePage } from "../api/types";
import { useApp } from "../app";
import type { MessageKey } from "../i18n/messages";
import { emptyOrdersMessage, ORDER_STATUSES, orderStatusOf, orderStatusTone } from "../orders/logic";
import { platformName } from "./Stores";
import { Badge, EmptyState, LoadError, PageTitle, useLoad } from "../ui/components";

const PAGE_SIZE = 50;

export function OrderStatusBadge({ status }: { status: string }) {
  const { t } = useApp();
  return <Badge tone={orderStatusTone(status)}>{t(`orders.status.${orderStatusOf(status)}` as MessageKey)}</Badge>;
}

/** The orders a user may see, newest first: a client user's own (the API answers only those, a
 * Store manager's stores'), every client's for an operator; filtered by status, store and (for
 * operators) client, searched by number or reference, a page at a time. */
export function OrdersPage() {
  const { api, t, date, role } = useApp();
  const operator = role === "operator";
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("");
  const [storeId, setStoreId] = useState("");
  const [clientId, setClientId] = useState("");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const { data, error, reload } = useLoad(
    () =>
      api.get<OrderPage>(
        `/orders${query({ status, store_id: storeId, client_id: clientId, search, cursor, limit: PAGE_SIZE })}`,
      ),
    [status, storeId, clientId, search, cursor],
  );
  const clients = useLoad(
    () => (operator ? api.get<ClientPage>(`/clients${query({ status: "all", limit: 100 })}`) : Promise.resolve(null)),
    [operator],
  ).data;
  const stores = useLoad(
    () =>
      operator && !clientId
        ? Promise.resolve(null)
        : api.get<StorePage>(`/stores${query({ client_id: clientId, limit: 200 })}`),
    [operator, clientId],
  ).data;
  // a store the connector no longer lists (or not yet) is named by its platform
  const storeName = (id: string, platform: string) => stores?.items.find((s) => s.id === id)?.name ?? platformName(t, platform);
  const clientName = (id: string) => clients?.items.find((c) => c.id === id)?.name ?? id;

  function restart() {
    setCursors([null]);
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    restart();
    setSearch(typed.trim());
  }
  const filtered = search !== "" || status !== "" || storeId !== "" || clientId !== "";
  return (
    <>
      <PageTitle>{t("orders.title")}</PageTitle>
      <form className="toolbar" onSubmit={submit} role="search" aria-label={t("orders.filters")}>
        <label className="grow">
          <span className="visually-hidden">{t("orders.search")}</span>
          <input type="search" placeholder={t("orders.search")} value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit" className="button secondary">
          {t("orders.searchButton")}
        </button>
        <label>
          {t("orders.statusFilter")}{" "}
          <select
            value={status}
            onChange={(e) => {
              restart();
              setStatus(e.target.value);
            }}
          >
            <option value="">{t("orders.any")}</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`orders.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        {operator && (
          <label>
            {t("orders.client")}{" "}
            <select
              value={clientId}
              onChange={(e) => {
                restart();
                setStoreId("");
                setClientId(e.target.value);
              }}
            >
              <option value="">{t("orders.any")}</option>
              {clients?.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {stores && (
          <label>
            {t("orders.store")}{" "}
            <select
              value={storeId}
              onChange={(e) => {
                restart();
                setStoreId(e.target.value);
              }}
            >
              <option value="">{t("orders.any")}</option>
              {stores.items.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </form>
      <LoadError error={error} retry={reload} />
      {data && data.items.length === 0 && (
        <EmptyState
          action={
            !filtered && !operator ? (
              <Link className="button secondary" to="/console/stores">
                {t("orders.toStores")}
              </Link>
            ) : undefined
          }
        >
          {t(emptyOrdersMessage(role, filtered))}
        </EmptyState>
      )}
      {data && data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t("orders.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("orders.number")}</th>
              {operator && <th scope="col">{t("orders.client")}</th>}
              <th scope="col">{t("orders.store")}</th>
              <th scope="col">{t("orders.statusFilter")}</th>
              <th scope="col">{t("orders.total")}</th>
              <th scope="col">{t("orders.received")}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((order) => (
              <tr key={order.id}>
                <td>
                  <Link to={`/console/orders/${order.id}`}>{order.order_number ?? order.client_reference ?? order.platform_order_id ?? order.id}</Link>
                  {order.test && <span className="hint"> ({t("orders.test")})</span>}
                </td>
                {operator && <td>{clientName(order.client_id)}</td>}
                <td>{storeName(order.store_id, order.platform)}</td>
                <td>
                  <OrderStatusBadge status={order.status} />
                  {order.holds.length > 0 && <span className="hint"> {t("orders.holdCount", { count: order.holds.length })}</span>}
                </td>
                <td>{order.total == null ? "—" : `${order.total} ${order.currency}`}</td>
                <td>{date(order.received_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(cursors.length > 1 || data?.next_cursor) && (
        <nav className="pager" aria-label={t("orders.title")}>
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
