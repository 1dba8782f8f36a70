import { useEffect, useState, type FormEvent } from "react";
import { Link, useLocation, useParams } from "react-router-dom";
import type { OrderDetail } from "../api/types";
import { useApp } from "../app";
import type { MessageKey } from "../i18n/messages";
import { printFileName } from "../mapping/logic";
import { orderStatusOf } from "../orders/logic";
import { actorName, attentionText, capitalized, historyText, holdText, problemText } from "../orders/texts";
import { ConfirmButton, Field, FormError, Notice, LoadError, PageTitle, useLoad, useProblem } from "../ui/components";
import { ApproveOrder, HoldSaid, OrderPostbacks, OrderShipments } from "./OrderExtras";
import { OrderStatusBadge } from "./Orders";

const CANCELLABLE = ["received", "on_hold", "accepted"];
const ADDRESS_FIELDS = ["first_name", "last_name", "company", "address1", "address2", "city", "state", "postcode", "country_code"] as const;
type AddressField = (typeof ADDRESS_FIELDS)[number];
const OPTIONAL: readonly AddressField[] = ["company", "address2", "state"];

/** An order: what each line resolved to (or why not), why it is held, and its status timeline. */
export function OrderViewPage() {
  const { orderId = "" } = useParams();
  const { api, t, date, can } = useApp();
  const { data: order, error, reload, setData } = useLoad(() => api.get<OrderDetail>(`/orders/${orderId}`), [orderId]);
  const form = useProblem();
  const placed = (useLocation().state as { placed?: boolean } | null)?.placed;
  const [addressSaved, setAddressSaved] = useState(false);
  useEffect(() => setAddressSaved(false), [orderId]);
  if (error) return <LoadError error={error} retry={reload} />;
  if (!order) return null;
  const statusName = (status: string | null | undefined) => (status ? t(`orders.status.${orderStatusOf(status)}` as MessageKey) : "—");
  const address = order.shipping_address as Record<string, string | null>;
  const lineHold = (lineId: string) => {
    const hold = order.holds.find((h) => h.line_id === lineId);
    return hold ? holdText(hold, t, date) : undefined;
  };
  const number = order.order_number ?? order.client_reference ?? order.platform_order_id ?? order.id;
  const cancel =
    can.manageOrders && CANCELLABLE.includes(order.status) ? (
      <ConfirmButton
        danger
        label={t("order.cancel")}
        question={t("order.cancelQuestion", { number })}
        onConfirm={async () => {
          const changed = await form.run(() => api.send<OrderDetail>("POST", `/orders/${order.id}/status`, { status: "cancelled" }));
          if (changed) setData(changed);
        }}
      />
    ) : undefined;
  return (
    <>
      <p>
        <Link to="/console/orders">{t("order.back")}</Link>
      </p>
      <PageTitle actions={cancel}>{t("order.title", { number })}</PageTitle>
      <FormError message={form.problem?.detail ?? form.problem?.title} />
      {placed && <Notice>{t("manual.placed")}</Notice>}
      {addressSaved && <Notice>{t("order.addressSaved")}</Notice>}
      {order.test && <p className="alert alert-info">{t("order.testLabel")}</p>}
      {order.attention && (
        <p className="alert alert-warn" data-testid="order-attention">
          <strong>{t("order.attention")}</strong>
          {t("order.holdColon")}
          {attentionText(order, t, date)}
        </p>
      )}
      {order.possible_duplicate && (
        <p className="alert alert-warn" data-testid="order-duplicate">
          {t("order.duplicate")}
        </p>
      )}
      <dl className="panel details">
        <dt>{t("orders.statusFilter")}</dt>
        <dd>
          <OrderStatusBadge status={order.status} />
        </dd>
        <dt>{t("orders.received")}</dt>
        <dd>{date(order.received_at)}</dd>
        <dt>{t("orders.total")}</dt>
        <dd>{order.total == null ? t("order.noTotal") : `${order.total} ${order.currency}`}</dd>
        <dt>{t("order.shipTo")}</dt>
        <dd>
          {[
            [address.first_name, address.last_name].filter(Boolean).join(" "),
            address.company,
            address.address1,
            address.address2,
            [address.postcode, address.city, address.state].filter(Boolean).join(" "),
            address.country_code,
          ]
            .filter(Boolean)
            .join(", ") || "—"}
        </dd>
      </dl>

      {order.holds.length > 0 && (
        <section className="panel" aria-labelledby="holds-title">
          <h2 id="holds-title">{t("order.holds")}</h2>
          <ul>
            {order.holds.map((hold, index) => (
              <li key={index}>
                <HoldSaid hold={hold} />
              </li>
            ))}
          </ul>
        </section>
      )}

      <ApproveOrder order={order} onChanged={setData} />

      {can.manageOrders && order.status === "on_hold" && <CorrectAddress
          order={order}
          onCorrected={(corrected) => {
            setAddressSaved(true);
            setData(corrected);
          }}
        />}

      <section className="panel" aria-labelledby="lines-title">
        <h2 id="lines-title">{t("order.lines")}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("order.item")}</th>
              <th scope="col">{t("order.quantity")}</th>
              <th scope="col">{t("order.resolvedTo")}</th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.line_id}>
                <td>
                  {line.title}
                  {line.variant_title && <> — {line.variant_title}</>}
                  {line.sku && <span className="hint"> (SKU {line.sku})</span>}
                </td>
                <td>
                  {line.quantity}
                  {line.cancelled_quantity > 0 && <span className="hint"> {t("order.cancelledQuantity", { count: line.cancelled_quantity })}</span>}
                </td>
                <td>
                  {line.resolved ? (
                    <>
                      <code>{line.product_uid}</code>
                      {line.print_files.length > 0 && (
                        <ul>
                          {line.print_files.map((file) => (
                            <li key={file.url}>
                              {file.type && t("order.printFile", { name: printFileName(file.type, t) })} <a href={file.url}>{file.url}</a>
                            </li>
                          ))}
                        </ul>
                      )}
                    </>
                  ) : (
                    <span>
                      {t("order.notResolved")} {lineHold(line.line_id) ?? line.problem_message}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <OrderShipments order={order} onChanged={setData} />

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">{t("order.history")}</h2>
        <ol className="timeline">
          {order.history.map((change) => (
            <li key={change.sequence}>
              <time dateTime={change.at}>{date(change.at)}</time>{" "}
              {change.from_status && change.from_status !== change.to_status
                ? t("order.changedFromTo", { from: statusName(change.from_status), to: statusName(change.to_status) })
                : t("order.changedTo", { to: statusName(change.to_status) })}{" "}
              <span className="hint" title={change.actor_name ? change.actor : undefined}>
                {t("order.by", { actor: actorName(change, t) })}
              </span>
              {(change.code || change.reason) && <div>{capitalized(historyText(change, t, date))}</div>}
            </li>
          ))}
        </ol>
      </section>
      <OrderPostbacks order={order} />
    </>
  );
}

/** A held order's shipping address corrected (order intake checks it again and releases the order
 * when all resolves): the API's refusals and the address holds that remain, next to their field. */
function CorrectAddress({ order, onCorrected }: { order: OrderDetail; onCorrected: (order: OrderDetail) => void }) {
  const { api, t, date } = useApp();
  const [open, setOpen] = useState(false);
  const initial = order.shipping_address as Record<string, string | null>;
  const [values, setValues] = useState<Record<AddressField, string>>(
    () => Object.fromEntries(ADDRESS_FIELDS.map((name) => [name, initial[name] ?? ""])) as Record<AddressField, string>,
  );
  const form = useProblem();
  const refusal = problemText(form.problem, t, date);
  const addressHold = (name: string) => order.holds.find((hold) => hold.reason === "invalid_address" && (hold.field === name || (hold.field === "name" && name === "last_name")));
  const holdOf = (name: string) => {
    const hold = addressHold(name);
    return hold ? holdText(hold, t, date) : undefined;
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const corrected = await form.run(() => api.send<OrderDetail>("PUT", `/orders/${order.id}/shipping-address`, values));
    if (corrected) onCorrected(corrected);
  }
  return (
    <section className="panel" aria-labelledby="address-title">
      <h2 id="address-title">{t("order.address")}</h2>
      {!open ? (
        <button type="button" className="button secondary" onClick={() => setOpen(true)}>
          {t("order.correctAddress")}
        </button>
      ) : (
        <form onSubmit={submit} noValidate>
          <FormError message={form.errors[""]} />
          {ADDRESS_FIELDS.map((name) => (
            <Field
              key={name}
              name={name}
              label={t(`order.address.${name}` as MessageKey)}
              value={values[name]}
              optional={OPTIONAL.includes(name)}
              error={(refusal && form.problem?.field === name ? refusal : form.errors[name]) ?? (form.problem ? undefined : holdOf(name))}
              onChange={(value) => setValues((v) => ({ ...v, [name]: value }))}
            />
          ))}
          <div className="actions">
            <button type="submit" className="button">
              {t("order.saveAddress")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
