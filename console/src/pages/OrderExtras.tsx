import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { query } from "../api/http";
import type { Delivery, DeliveryList, EndpointList, OrderDetail, ShipmentChange } from "../api/types";
import { useApp } from "../app";
import { en, type MessageKey } from "../i18n/messages";
import { holdReasonOf } from "../orders/logic";
import { safeLink } from "../orders/manual";
import { holdDetail, shippedAt, type HoldWords } from "../orders/texts";
import { deliveryTone } from "../postbacks/logic";
import { Badge, Field, FormError, useLoad, useProblem } from "../ui/components";

/** Holds a person may lift by approving (a rule's hold, manual approval, the delay window). */
const APPROVABLE = ["held_by_rule", "awaiting_approval", "approval_delay"];
/** Statuses an order may get a parcel in (order intake's rule). */
const SHIPPABLE = ["in_production", "printed", "packaged", "shipped", "in_transit", "delivered"];

interface ShipmentView {
  tracking_number: string;
  carrier?: string | null;
  tracking_url?: string | null;
  line_ids?: string[];
  shipped_at?: string | null;
}

/** A hold after the title of its reason, in the reader's language: "Held by a rule: 3 items, more than 2". */
export function HoldSaid({ hold }: { hold: HoldWords & { reason?: unknown } }) {
  const { t, date } = useApp();
  return (
    <>
      <strong>{t(`order.hold.${holdReasonOf(hold.reason)}` as MessageKey)}</strong>
      {t("order.holdColon")}
      {holdDetail(hold, t, date)}
    </>
  );
}

/** "Approve" for an order held by a rule or waiting for approval (operators, Order managers, Admins). */
export function ApproveOrder({ order, onChanged }: { order: OrderDetail; onChanged: (order: OrderDetail) => void }) {
  const { api, t, can } = useApp();
  const form = useProblem();
  if (!can.manageOrders || order.status !== "on_hold" || !order.holds.some((hold) => APPROVABLE.includes(String(hold.reason)))) return null;
  return (
    <div className="actions-row">
      <FormError message={form.problem?.detail ?? form.problem?.title} />
      <button
        type="button"
        className="button"
        onClick={async () => {
          const approved = await form.run(() => api.send<OrderDetail>("POST", `/orders/${order.id}/approve`));
          if (approved) onChanged(approved);
        }}
      >
        {t("order.approve")}
      </button>
    </div>
  );
}

/** The order's parcels: carrier, tracking number and its link (http(s) only); operators add one. */
export function OrderShipments({ order, onChanged }: { order: OrderDetail; onChanged: (order: OrderDetail) => void }) {
  const { t, date, role } = useApp();
  const shipments = order.shipments as unknown as ShipmentView[];
  const canAdd = role === "operator" && SHIPPABLE.includes(order.status);
  if (shipments.length === 0 && !canAdd) return null;
  const lineTitle = (id: string) => {
    const line = order.lines.find((l) => l.line_id === id);
    return line ? [line.title, line.variant_title].filter(Boolean).join(" — ") : id;
  };
  return (
    <section className="panel" aria-labelledby="shipments-title">
      <h2 id="shipments-title">{t("shipments.title")}</h2>
      {shipments.length === 0 ? (
        <p className="hint">{t("shipments.none")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("shipments.carrier")}</th>
              <th scope="col">{t("shipments.tracking")}</th>
              <th scope="col">{t("shipments.lines")}</th>
              <th scope="col">{t("shipments.shippedAt")}</th>
            </tr>
          </thead>
          <tbody>
            {shipments.map((shipment) => {
              const link = safeLink(shipment.tracking_url);
              return (
                <tr key={shipment.tracking_number}>
                  <td>{shipment.carrier ?? "—"}</td>
                  <td>
                    {link ? (
                      <a href={link} target="_blank" rel="noopener noreferrer">
                        {shipment.tracking_number}
                        <span className="visually-hidden"> {t("shipments.opensTracking")}</span>
                      </a>
                    ) : (
                      shipment.tracking_number
                    )}
                  </td>
                  <td>{shipment.line_ids && shipment.line_ids.length > 0 ? shipment.line_ids.map(lineTitle).join(", ") : t("shipments.allLines")}</td>
                  <td>{date(shippedAt(shipment, order.history))}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canAdd && <AddShipment order={order} onChanged={onChanged} />}
    </section>
  );
}

function AddShipment({ order, onChanged }: { order: OrderDetail; onChanged: (order: OrderDetail) => void }) {
  const { api, t } = useApp();
  const [open, setOpen] = useState(false);
  const [carrier, setCarrier] = useState("");
  const [tracking, setTracking] = useState("");
  const [url, setUrl] = useState("");
  const form = useProblem();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: ShipmentChange = { carrier: carrier.trim() || null, tracking_number: tracking.trim(), tracking_url: url.trim() || null, line_ids: [] };
    const changed = await form.run(() => api.send<OrderDetail>("POST", `/orders/${order.id}/shipments`, body));
    if (changed) {
      setOpen(false);
      setCarrier("");
      setTracking("");
      setUrl("");
      onChanged(changed);
    }
  }
  if (!open)
    return (
      <button type="button" className="button secondary" onClick={() => setOpen(true)}>
        {t("shipments.add")}
      </button>
    );
  return (
    <form onSubmit={submit} noValidate className="narrow">
      <FormError message={form.errors[""]} />
      <Field label={t("shipments.carrier")} name="carrier" value={carrier} onChange={setCarrier} error={form.errors.carrier} optional />
      <Field label={t("shipments.trackingNumber")} name="tracking_number" value={tracking} onChange={setTracking} error={form.errors.tracking_number} required />
      <Field label={t("shipments.trackingUrl")} name="tracking_url" type="url" value={url} onChange={setUrl} error={form.errors.tracking_url} optional />
      <div className="actions">
        <button type="submit" className="button">
          {t("shipments.save")}
        </button>
      </div>
    </form>
  );
}

/** The postbacks sent about this order (the notifier answers them per endpoint, filtered by
 * order): who may see the client's postbacks (operators, its Admin) sees them here. */
export function OrderPostbacks({ order }: { order: OrderDetail }) {
  const { api, t, date, can, role } = useApp();
  const base = `/clients/${order.client_id}/postbacks/endpoints`;
  const { data } = useLoad(async () => {
    if (!can.managePostbacks) return null;
    const endpoints = (await api.get<EndpointList>(base)).items;
    const logs = await Promise.all(
      endpoints.map(async (endpoint) => ({ endpoint, deliveries: (await api.get<DeliveryList>(`${base}/${endpoint.id}/deliveries${query({ order_id: order.id, limit: 50 })}`)).items })),
    );
    return logs.flatMap(({ endpoint, deliveries }) => deliveries.map((delivery) => ({ endpoint, delivery })));
  }, [order.id, order.sequence, can.managePostbacks]);
  if (!data) return null;
  const logPath = (endpointId: string) => (role === "operator" ? `/console/clients/${order.client_id}/postbacks/${endpointId}` : `/console/postbacks/${endpointId}`);
  const label = (type: string) => (`event.${type}` in en ? t(`event.${type}` as MessageKey) : type);
  const statusLabel = (status: string) => (`deliveries.status.${status}` in en ? t(`deliveries.status.${status}` as MessageKey) : status);
  const byTime = [...data].sort((a, b) => a.delivery.event_time.localeCompare(b.delivery.event_time) || a.delivery.sequence - b.delivery.sequence);
  return (
    <section className="panel" aria-labelledby="order-postbacks-title">
      <h2 id="order-postbacks-title">{t("order.postbacks")}</h2>
      {byTime.length === 0 ? (
        <p className="hint">{t("order.postbacksNone")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("order.postbackEvent")}</th>
              <th scope="col">{t("order.postbackEndpoint")}</th>
              <th scope="col">{t("postbacks.status")}</th>
              <th scope="col">{t("order.postbackAt")}</th>
            </tr>
          </thead>
          <tbody>
            {byTime.map(({ endpoint, delivery }: { endpoint: { id: string; url: string }; delivery: Delivery }) => (
              <tr key={delivery.id}>
                <td>{label(delivery.type)}</td>
                <td>
                  <Link to={logPath(endpoint.id)}>{endpoint.url}</Link>
                </td>
                <td>
                  <Badge tone={deliveryTone(delivery.status)}>{statusLabel(delivery.status)}</Badge>
                  {delivery.last_status_code !== null && <span className="hint"> HTTP {delivery.last_status_code}</span>}
                </td>
                <td>{date(delivery.event_time)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
