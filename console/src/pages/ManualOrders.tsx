import { useEffect, useId, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { ApiError } from "../api/problems";
import type { OrderDetail, OrderImport, Problem, Store } from "../api/types";
import { useApp } from "../app";
import type { MessageKey } from "../i18n/messages";
import {
  ADDRESS_FIELDS,
  emptyLine,
  emptyOrderForm,
  importFinished,
  importPercent,
  lineError,
  nestedFieldErrors,
  OPTIONAL_ADDRESS_FIELDS,
  placeOrderBody,
  type LineForm,
  type OrderForm,
} from "../orders/manual";
import { problemText, rowProblemText } from "../orders/texts";
import { Field, FormError, LoadError, Notice, PageTitle, useLoad } from "../ui/components";

const POLL_MS = 1000;

/** The fields "Place order" shows an error next to; any other is shown above the form. */
function onTheForm(name: string): boolean {
  return name === "reference" || name === "shipping_method" || name.startsWith("shipping_address.") || /^lines\[\d+\]\.(sku|product_uid|design_file_urls|quantity)$/.test(name);
}

/** The manual store a page acts on; a store of a platform says that its orders come from the shop. */
function useManualStore() {
  const { api } = useApp();
  const { storeId = "" } = useParams();
  const loaded = useLoad(() => api.get<Store>(`/stores/${storeId}`), [storeId]);
  return { storeId, ...loaded };
}

function StoreHeader({ store, title }: { store: Store; title: MessageKey }) {
  const { t } = useApp();
  return (
    <>
      <p>
        <Link to={`/console/stores/${store.id}`}>{t("manual.backToStore", { name: store.name })}</Link>
      </p>
      <PageTitle>{t(title)}</PageTitle>
    </>
  );
}

function NotManual({ store }: { store: Store }) {
  const { t } = useApp();
  if (store.platform !== "manual") return <p className="alert alert-warn">{t("manual.notManual")}</p>;
  if (store.status === "disconnected") return <p className="alert alert-warn">{t("store.disconnected")}</p>;
  return null;
}

/** "Place order" on a manual store: lines by a SKU mapped in the store or by a catalog product UID
 * with its design files, the shipping address, and the test flag. The API's refusals are shown next
 * to their field (a line's by its position); the placed order opens, with its holds if any. */
export function PlaceOrderPage() {
  const { api, t, date } = useApp();
  const navigate = useNavigate();
  const { storeId, data: store, error, reload } = useManualStore();
  const [form, setForm] = useState<OrderForm>(emptyOrderForm);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  if (!store) return <LoadError error={error} retry={reload} />;
  const errors = nestedFieldErrors(problem, (line) => rowProblemText(line, t, date)); // each refused line by its code, in the reader's language
  if (problem?.type?.endsWith("/duplicate-order-reference")) errors.reference = problem.detail ?? problem.title;
  const refusal = problemText(problem, t, date); // a refusal said by a code of ours, in the reader's language
  if (refusal && problem?.field) errors[problem.field] = refusal;
  const general = errors[""] ?? Object.entries(errors).find(([name]) => !onTheForm(name))?.[1];
  const setLine = (index: number, change: Partial<LineForm>) => setForm((f) => ({ ...f, lines: f.lines.map((line, n) => (n === index ? { ...line, ...change } : line)) }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      const order = await api.send<OrderDetail>("POST", "/orders", placeOrderBody(storeId, form));
      navigate(`/console/orders/${order.id}`, { state: { placed: true } });
    } catch (e) {
      if (e instanceof ApiError) setProblem(e.problem);
      else throw e;
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <StoreHeader store={store} title="manual.placeTitle" />
      <NotManual store={store} />
      {store.platform === "manual" && store.status !== "disconnected" && (
        <form onSubmit={submit} noValidate>
          <FormError message={general} />
          <p className="hint">{t("manual.placeLead")}</p>
          <section className="panel narrow" aria-labelledby="order-ref-title">
            <h2 id="order-ref-title">{t("manual.orderSection")}</h2>
            <Field label={t("manual.reference")} name="reference" value={form.reference} onChange={(reference) => setForm((f) => ({ ...f, reference }))} hint={t("manual.referenceHint")} error={errors.reference} required maxLength={200} />
            <Field label={t("manual.shippingMethod")} name="shipping_method" value={form.shippingMethod} onChange={(shippingMethod) => setForm((f) => ({ ...f, shippingMethod }))} error={errors.shipping_method} optional />
            <label className="check">
              <input type="checkbox" name="test" checked={form.test} onChange={(e) => setForm((f) => ({ ...f, test: e.target.checked }))} />
              {t("manual.test")}
            </label>
            <p className="hint">{t("manual.testHint")}</p>
          </section>

          <section className="panel" aria-labelledby="order-lines-title">
            <h2 id="order-lines-title">{t("order.lines")}</h2>
            {form.lines.map((line, index) => (
              <LineFields
                key={index}
                index={index}
                line={line}
                errors={errors}
                removable={form.lines.length > 1}
                onChange={(change) => setLine(index, change)}
                onRemove={() => setForm((f) => ({ ...f, lines: f.lines.filter((_, n) => n !== index) }))}
              />
            ))}
            <button type="button" className="button secondary" onClick={() => setForm((f) => ({ ...f, lines: [...f.lines, emptyLine()] }))}>
              {t("manual.addLine")}
            </button>
          </section>

          <section className="panel narrow" aria-labelledby="order-address-title">
            <h2 id="order-address-title">{t("order.address")}</h2>
            {ADDRESS_FIELDS.map((name) => (
              <Field
                key={name}
                name={`shipping_address.${name}`}
                label={t(`manual.address.${name}` as MessageKey)}
                type={name === "email" ? "email" : name === "phone" ? "tel" : "text"}
                value={form.address[name]}
                optional={OPTIONAL_ADDRESS_FIELDS.includes(name)}
                error={errors[`shipping_address.${name}`]}
                onChange={(value) => setForm((f) => ({ ...f, address: { ...f.address, [name]: value } }))}
              />
            ))}
          </section>
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t("manual.placeSubmit")}
            </button>
          </div>
        </form>
      )}
    </>
  );
}

function LineFields(props: { index: number; line: LineForm; errors: Record<string, string>; removable: boolean; onChange: (change: Partial<LineForm>) => void; onRemove: () => void }) {
  const { t } = useApp();
  const { index, line, errors } = props;
  const id = useId();
  const number = index + 1;
  return (
    <fieldset className="line-fields">
      <legend>{t("manual.line", { number })}</legend>
      <div className="check-row" role="radiogroup" aria-label={t("manual.lineBy", { number })}>
        <label className="check">
          <input type="radio" name={`${id}-by`} checked={line.by === "sku"} onChange={() => props.onChange({ by: "sku" })} />
          {t("manual.bySku")}
        </label>
        <label className="check">
          <input type="radio" name={`${id}-by`} checked={line.by === "uid"} onChange={() => props.onChange({ by: "uid" })} />
          {t("manual.byUid")}
        </label>
      </div>
      {line.by === "sku" ? (
        <Field label={t("manual.sku", { number })} name={`lines[${index}].sku`} value={line.sku} onChange={(sku) => props.onChange({ sku })} hint={t("manual.skuHint")} error={lineError(errors, index, "sku") ?? lineError(errors, index, "product_uid")} required />
      ) : (
        <>
          <Field label={t("manual.productUid", { number })} name={`lines[${index}].product_uid`} value={line.productUid} onChange={(productUid) => props.onChange({ productUid })} error={lineError(errors, index, "product_uid")} required />
          <Field
            label={t("manual.designUrls", { number })}
            name={`lines[${index}].design_file_urls`}
            value={line.designUrls}
            multiline
            onChange={(designUrls) => props.onChange({ designUrls })}
            hint={t("manual.designUrlsHint")}
            error={lineError(errors, index, "design_file_urls")}
            required
          />
        </>
      )}
      <Field label={t("manual.quantity", { number })} name={`lines[${index}].quantity`} type="number" value={line.quantity} onChange={(quantity) => props.onChange({ quantity })} error={lineError(errors, index, "quantity")} required />
      {props.removable && (
        <button type="button" className="button link" onClick={props.onRemove}>
          {t("manual.removeLine", { number })}
        </button>
      )}
    </fieldset>
  );
}

/** CSV import on a manual store: the file, the job's progress (followed every second, and again
 * after a reload: the job is in the address), then how many orders came in and each bad row by its
 * line and column. */
export function ImportOrdersPage() {
  const { api, t, number, date } = useApp();
  const { storeId, data: store, error, reload } = useManualStore();
  const [params, setParams] = useSearchParams();
  const jobId = params.get("job");
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<OrderImport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();

  useEffect(() => {
    if (!jobId) {
      setJob(null);
      return;
    }
    let live = true;
    let timer = 0;
    const follow = () =>
      api.get<OrderImport>(`/order-imports/${jobId}`).then(
        (value) => {
          if (!live) return;
          setJob(value);
          if (!importFinished(value)) timer = window.setTimeout(follow, POLL_MS);
        },
        (e: unknown) => live && e instanceof ApiError && setProblem(e.problem),
      );
    void follow();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [api, jobId]);

  if (!store) return <LoadError error={error} retry={reload} />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (!file) {
      setProblem({ type: "about:blank", title: t("import.chooseFile"), status: 0, field: "file" });
      return;
    }
    setBusy(true);
    try {
      const started = await api.upload<OrderImport>(`/order-imports?store_id=${encodeURIComponent(storeId)}`, file, "text/csv");
      setJob(started);
      setParams({ job: started.id });
    } catch (e) {
      if (e instanceof ApiError) setProblem(e.problem);
      else throw e;
    } finally {
      setBusy(false);
    }
  }

  const fileError = problem ? (problem.field === "file" ? problem.title : (problem.detail ?? problem.title)) : undefined;
  const running = job && !importFinished(job);
  return (
    <>
      <StoreHeader store={store} title="import.title" />
      <NotManual store={store} />
      {store.platform === "manual" && store.status !== "disconnected" && (
        <form onSubmit={submit} noValidate className="panel narrow" aria-labelledby="import-file-title">
          <h2 id="import-file-title">{t("import.file")}</h2>
          <p className="hint">{t("import.lead")}</p>
          <details>
            <summary>{t("import.columns")}</summary>
            <p className="hint">{t("import.columnsHint")}</p>
            <ul className="columns">
              {["order_reference", "recipient_name", "address1", "address2", "city", "postcode", "state", "country_code", "email", "phone", "product_uid", "sku", "quantity", "design_file_urls", "shipping_method"].map((name) => (
                <li key={name}>
                  <code>{name}</code>
                </li>
              ))}
            </ul>
          </details>
          <div className={`field${fileError ? " field-invalid" : ""}`}>
            <label htmlFor={inputId}>{t("import.fileLabel")}</label>
            <input
              id={inputId}
              type="file"
              name="file"
              accept=".csv,text/csv"
              aria-invalid={fileError ? true : undefined}
              aria-describedby={fileError ? `${inputId}-error` : undefined}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
            {fileError && (
              <p className="field-error" id={`${inputId}-error`} data-field-error="file">
                {fileError}
              </p>
            )}
          </div>
          <button type="submit" className="button" disabled={busy || !!running}>
            {t("import.submit")}
          </button>
        </form>
      )}
      {job && (
        <section className="panel" aria-labelledby="import-job-title">
          <h2 id="import-job-title">{t("import.job", { at: date(job.created_at) })}</h2>
          {running ? (
            <>
              <label htmlFor={`import-${job.id}`}>{t("import.running")}</label>
              <progress id={`import-${job.id}`} max={100} value={importPercent(job)} aria-valuetext={t("import.progress", { done: number(job.orders_done), total: number(job.orders_total) })} />
              <p data-testid="import-progress">{t("import.progress", { done: number(job.orders_done), total: number(job.orders_total) })}</p>
            </>
          ) : job.status === "done" ? (
            <Notice>{t("import.done")}</Notice>
          ) : job.status === "refused" ? (
            <p className="alert alert-error" role="alert">
              {t("import.refused")}
            </p>
          ) : (
            <p className="alert alert-warn" role="alert">
              {t("import.interrupted")}
            </p>
          )}
          <dl className="details" data-testid="import-counts">
            <dt>{t("import.rows")}</dt>
            <dd>{number(job.rows)}</dd>
            <dt>{t("import.created")}</dt>
            <dd>{number(job.orders_created)}</dd>
            <dt>{t("import.existing")}</dt>
            <dd>{number(job.orders_existing)}</dd>
            <dt>{t("import.flagged")}</dt>
            <dd>{number(job.orders_flagged)}</dd>
            <dt>{t("import.failed")}</dt>
            <dd>{number(job.orders_failed)}</dd>
          </dl>
          {job.errors.length > 0 && (
            <table>
              <caption>{t("import.badRows", { count: job.errors.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("import.line")}</th>
                  <th scope="col">{t("import.column")}</th>
                  <th scope="col">{t("import.problem")}</th>
                </tr>
              </thead>
              <tbody>
                {job.errors.map((row, index) => (
                  <tr key={index}>
                    <td>{row.line}</td>
                    <td>{row.column ? <code>{row.column}</code> : "—"}</td>
                    <td>{rowProblemText(row, t, date)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {importFinished(job) && (job.orders_created > 0 || job.orders_existing > 0) && (
            <p>
              <Link to="/console/orders">{t("import.toOrders")}</Link>
            </p>
          )}
        </section>
      )}
    </>
  );
}

/** On a manual store's page: the guide's "Place order" and "Import" (who may act on orders). */
export function ManualOrderActions({ storeId }: { storeId: string }) {
  const { t } = useApp();
  return (
    <section className="panel" aria-labelledby="manual-orders-title">
      <h2 id="manual-orders-title">{t("manual.title")}</h2>
      <p className="hint">{t("manual.lead")}</p>
      <div className="actions">
        <Link className="button" to={`/console/stores/${storeId}/place-order`}>
          {t("manual.placeTitle")}
        </Link>
        <Link className="button secondary" to={`/console/stores/${storeId}/import-orders`}>
          {t("import.title")}
        </Link>
      </div>
    </section>
  );
}
