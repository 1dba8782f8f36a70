import { Fragment, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { query } from "../api/http";
import type { Delivery, DeliveryList, Endpoint, EndpointChange, EndpointCreate, EndpointList, EndpointWithSecret, Replayed, ReplayRange } from "../api/types";
import { useApp } from "../app";
import { en, type MessageKey } from "../i18n/messages";
import { defaultRange, deliveryTone, endpointTone, EVENT_TYPES, inLifeOrder, nextStatus, overlapRunning, replayable, replayRange, toggled, type EventType } from "../postbacks/logic";
import { Badge, ConfirmButton, EmptyState, Field, FormError, LoadError, Notice, PageTitle, useLoad, useProblem } from "../ui/components";

const endpointsOf = (clientId: string) => `/clients/${clientId}/postbacks/endpoints`;

/** A client's Admin: their postback endpoints (an operator has them as a tab of the client). */
export function PostbacksPage() {
  const { t, me } = useApp();
  const clientId = me?.client_id ?? "";
  return (
    <>
      <PageTitle>{t("postbacks.title")}</PageTitle>
      <PostbackEndpoints clientId={clientId} logPath={(id) => `/console/postbacks/${id}`} />
    </>
  );
}

/** A client's Admin: the delivery log of one endpoint. */
export function PostbackLogPage() {
  const { t, me } = useApp();
  const { endpointId = "" } = useParams();
  return (
    <>
      <PageTitle>{t("postbacks.log")}</PageTitle>
      <DeliveryLog clientId={me?.client_id ?? ""} endpointId={endpointId} back="/console/postbacks" />
    </>
  );
}

function eventLabel(t: (key: MessageKey) => string, type: string): string {
  const key = `event.${type}`;
  return key in en ? t(key as MessageKey) : type; // a type this console does not know yet: its code
}

interface ShownSecret {
  title: MessageKey;
  secret: string;
  overlapUntil: string | null;
}

/** The endpoints of a client: list, add (the secret shown once), pause/enable, rotate, test. */
export function PostbackEndpoints({ clientId, logPath }: { clientId: string; logPath: (endpointId: string) => string }) {
  const { api, t, date } = useApp();
  const { data, error, reload } = useLoad(() => api.get<EndpointList>(endpointsOf(clientId)), [clientId]);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const actions = useProblem();
  const endpoints = data?.items ?? [];
  const now = new Date();

  async function setStatus(endpoint: Endpoint) {
    const status = nextStatus(endpoint.status);
    const body: EndpointChange = { status };
    setNotice(null);
    const changed = await actions.run(() => api.send<Endpoint>("PATCH", `${endpointsOf(clientId)}/${endpoint.id}`, body));
    if (changed) setNotice(t(status === "paused" ? "postbacks.paused" : "postbacks.enabled", { url: endpoint.url }));
    reload();
  }
  async function sendTest(endpoint: Endpoint) {
    setNotice(null);
    const queued = await actions.run(() => api.send<Delivery>("POST", `${endpointsOf(clientId)}/${endpoint.id}/test`));
    if (queued) setNotice(t("postbacks.testSent", { url: endpoint.url }));
  }
  async function rotate(endpoint: Endpoint) {
    setNotice(null);
    const rotated = await actions.run(() => api.send<EndpointWithSecret>("POST", `${endpointsOf(clientId)}/${endpoint.id}/secret/rotate`, {}));
    if (rotated) setSecret({ title: "secret.rotatedTitle", secret: rotated.secret, overlapUntil: rotated.previous_secret_expires_at });
    reload();
  }

  return (
    <>
      <p className="lead">{t("postbacks.lead")}</p>
      {secret && <SecretReveal {...secret} onDone={() => setSecret(null)} />}
      {notice && <Notice>{notice}</Notice>}
      <FormError message={Object.values(actions.errors)[0]} />
      <LoadError error={error} retry={reload} />
      {data && endpoints.length === 0 && <EmptyState>{t("postbacks.empty")}</EmptyState>}
      {endpoints.length > 0 && (
        <table className="endpoints">
          <caption className="visually-hidden">{t("postbacks.endpoints")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("postbacks.url")}</th>
              <th scope="col">{t("postbacks.events")}</th>
              <th scope="col">{t("postbacks.status")}</th>
              <th scope="col">{t("postbacks.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((endpoint) => (
              <tr key={endpoint.id}>
                <td>
                  <span className="url">{endpoint.url}</span>
                  {endpoint.description && <div className="hint">{endpoint.description}</div>}
                </td>
                <td>{inLifeOrder(endpoint.event_types).map((type) => eventLabel(t, type)).join(", ")}</td>
                <td>
                  <Badge tone={endpointTone(endpoint.status)}>{t(`postbacks.status.${endpoint.status}` as MessageKey)}</Badge>
                  {endpoint.status === "disabled" && endpoint.disabled_reason && (
                    <div className="hint">{t("postbacks.disabledBecause", { reason: endpoint.disabled_reason })}</div>
                  )}
                  {overlapRunning(endpoint.previous_secret_expires_at, now) && (
                    <div className="hint">{t("postbacks.overlapUntil", { when: date(endpoint.previous_secret_expires_at) })}</div>
                  )}
                </td>
                <td>
                  <div className="row-actions wrap">
                    <button type="button" className="button secondary small" onClick={() => void setStatus(endpoint)}>
                      {t(endpoint.status === "enabled" ? "postbacks.pause" : "postbacks.enable")}
                    </button>
                    <button type="button" className="button secondary small" onClick={() => void sendTest(endpoint)}>
                      {t("postbacks.test")}
                    </button>
                    <ConfirmButton
                      className="button secondary small"
                      label={t("postbacks.rotate")}
                      question={t("postbacks.rotateConfirm", { url: endpoint.url })}
                      onConfirm={() => rotate(endpoint)}
                    />
                    <Link className="button secondary small" to={logPath(endpoint.id)}>
                      {t("postbacks.log")}
                    </Link>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddEndpointForm
        clientId={clientId}
        onAdded={(created) => {
          setNotice(null);
          setSecret({ title: "secret.createdTitle", secret: created.secret, overlapUntil: null });
          reload();
        }}
      />
    </>
  );
}

/** The signing secret, shown this once: copy it, told it will not be shown again. */
function SecretReveal({ title, secret, overlapUntil, onDone }: ShownSecret & { onDone: () => void }) {
  const { t, date } = useApp();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView?.({ block: "nearest" });
  }, [secret]);
  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      input.current?.select(); // not a secure context or refused: the user copies it
      setCopied("no");
    }
  }
  return (
    <section className="panel secret" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>
        {t(title)}
      </h2>
      <p className="alert alert-warn">
        <strong>{t("secret.once")}</strong>
      </p>
      <div className="field">
        <label htmlFor={`${id}-secret`}>{t("secret.label")}</label>
        <div className="secret-row">
          <input id={`${id}-secret`} ref={input} className="secret-value" readOnly value={secret} onFocus={(e) => e.target.select()} spellCheck={false} />
          <button type="button" className="button" onClick={() => void copy()}>
            {t("secret.copy")}
          </button>
        </div>
        <p className="hint" role="status">
          {copied === "yes" ? t("secret.copied") : copied === "no" ? t("secret.copyFailed") : ""}
        </p>
      </div>
      {overlapUntil && <p className="alert alert-info">{t("secret.overlap", { when: date(overlapUntil) })}</p>}
      <button type="button" className="button secondary" onClick={onDone}>
        {t("secret.done")}
      </button>
    </section>
  );
}

function AddEndpointForm({ clientId, onAdded }: { clientId: string; onAdded: (created: EndpointWithSecret) => void }) {
  const { api, t } = useApp();
  const id = useId();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<EventType[]>([...EVENT_TYPES]);
  const form = useProblem();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: EndpointCreate = { url: url.trim(), event_types: types, description: description.trim() };
    const created = await form.run(() => api.send<EndpointWithSecret>("POST", endpointsOf(clientId), body));
    if (created) {
      setUrl("");
      setDescription("");
      setTypes([...EVENT_TYPES]);
      onAdded(created);
    }
  }
  const typesError = form.errors.event_types;
  const known = new Set(["url", "description", "event_types"]);
  const other = Object.entries(form.errors).find(([field]) => !known.has(field))?.[1];
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("postbacks.addTitle")}</h2>
      <FormError message={other} />
      <form onSubmit={submit} noValidate className="narrow">
        <Field label={t("postbacks.url")} name="url" type="url" value={url} onChange={setUrl} hint={t("postbacks.urlHint")} error={form.errors.url} required />
        <fieldset className={`field checks${typesError ? " field-invalid" : ""}`} aria-describedby={[`${id}-types-hint`, typesError ? `${id}-types-error` : ""].filter(Boolean).join(" ")}>
          <legend>{t("postbacks.events")}</legend>
          <p className="hint" id={`${id}-types-hint`}>
            {t("postbacks.eventsHint")}
          </p>
          {EVENT_TYPES.map((type) => (
            <label key={type} className="check">
              <input type="checkbox" checked={types.includes(type)} onChange={() => setTypes((chosen) => toggled(chosen, type))} />
              {eventLabel(t, type)} <code>{type}</code>
            </label>
          ))}
          {typesError && (
            <p className="field-error" id={`${id}-types-error`} data-field-error="event_types">
              {typesError}
            </p>
          )}
        </fieldset>
        <Field label={t("postbacks.description")} name="description" value={description} onChange={setDescription} hint={t("postbacks.descriptionHint")} error={form.errors.description} optional />
        <button type="submit" className="button">
          {t("postbacks.add")}
        </button>
      </form>
    </section>
  );
}

/** One endpoint's delivery log: each delivery with its attempts; replay one, or all failed in a range. */
export function DeliveryLog({ clientId, endpointId, back }: { clientId: string; endpointId: string; back: string }) {
  const { api, t, date, number } = useApp();
  const base = `${endpointsOf(clientId)}/${endpointId}`;
  const [status, setStatus] = useState("");
  const endpoint = useLoad(() => api.get<Endpoint>(base), [base]);
  const log = useLoad(() => api.get<DeliveryList>(`${base}/deliveries${query({ status, limit: 100 })}`), [base, status]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const actions = useProblem();
  const deliveries = log.data?.items ?? [];
  const waiting = deliveries.some((delivery) => delivery.status === "pending");
  const reloadLog = log.reload;
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(reloadLog, 2000); // a pending delivery's attempts arrive as they are made
    return () => window.clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [waiting]);

  async function sendTest() {
    setNotice(null);
    const queued = await actions.run(() => api.send<Delivery>("POST", `${base}/test`));
    if (queued && endpoint.data) setNotice(t("postbacks.testSent", { url: endpoint.data.url }));
    log.reload();
  }
  async function replay(delivery: Delivery) {
    setNotice(null);
    const queued = await actions.run(() => api.send<Delivery>("POST", `${base}/deliveries/${delivery.id}/replay`));
    if (queued) setNotice(t("deliveries.replayed"));
    log.reload();
  }
  const toggle = (id: string) =>
    setOpen((shown) => {
      const next = new Set(shown);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const statusLabel = (value: string) => t(`deliveries.status.${value}` as MessageKey);

  return (
    <>
      <p>
        <Link to={back}>← {t("deliveries.back")}</Link>
      </p>
      <LoadError error={endpoint.error} />
      {endpoint.data && (
        <div className="panel endpoint-head">
          <h2>{t("postbacks.logOf", { url: endpoint.data.url })}</h2>
          <p>
            <Badge tone={endpointTone(endpoint.data.status)}>{t(`postbacks.status.${endpoint.data.status}` as MessageKey)}</Badge>{" "}
            {endpoint.data.description}
          </p>
          <div className="actions">
            <button type="button" className="button secondary" onClick={() => void sendTest()}>
              {t("postbacks.test")}
            </button>
            <button type="button" className="button secondary" onClick={log.reload}>
              {t("deliveries.refresh")}
            </button>
          </div>
        </div>
      )}
      {notice && <Notice>{notice}</Notice>}
      <FormError message={Object.values(actions.errors)[0]} />
      <div className="toolbar">
        <label htmlFor="delivery-status">{t("deliveries.filter")}</label>
        <select id="delivery-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">{t("deliveries.all")}</option>
          {["pending", "delivered", "failed"].map((value) => (
            <option key={value} value={value}>
              {statusLabel(value)}
            </option>
          ))}
        </select>
      </div>
      <LoadError error={log.error} retry={log.reload} />
      {log.data && deliveries.length === 0 && <EmptyState>{t("deliveries.empty")}</EmptyState>}
      {deliveries.length > 0 && (
        <table className="deliveries">
          <caption className="visually-hidden">{t("postbacks.log")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("deliveries.event")}</th>
              <th scope="col">{t("deliveries.created")}</th>
              <th scope="col">{t("postbacks.status")}</th>
              <th scope="col">{t("deliveries.attempts")}</th>
              <th scope="col">{t("postbacks.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => {
              const shown = open.has(delivery.id);
              return (
                <Fragment key={delivery.id}>
                  <tr>
                    <td>
                      {eventLabel(t, delivery.type)}
                      <div className="hint">
                        <code>{delivery.id}</code>
                        {delivery.order_id && (
                          <>
                            {" · "}
                            {t("deliveries.order")} {delivery.order_id} #{number(delivery.sequence)}
                          </>
                        )}
                      </div>
                    </td>
                    <td>{date(delivery.created_at)}</td>
                    <td>
                      <Badge tone={deliveryTone(delivery.status)}>{statusLabel(delivery.status)}</Badge>
                      {delivery.last_status_code !== null && <span className="code"> {delivery.last_status_code}</span>}
                      {delivery.status === "pending" && delivery.next_attempt_at && <div className="hint">{t("deliveries.next", { when: date(delivery.next_attempt_at) })}</div>}
                      {delivery.status !== "delivered" && delivery.last_error && <div className="hint">{delivery.last_error}</div>}
                    </td>
                    <td>
                      <button type="button" className="button link" aria-expanded={shown} aria-controls={`attempts-${delivery.id}`} onClick={() => toggle(delivery.id)}>
                        {t("deliveries.showAttempts", { count: delivery.attempts })}
                      </button>
                    </td>
                    <td>
                      {replayable(delivery.status) && (
                        <ConfirmButton className="button secondary small" label={t("deliveries.replay")} question={t("deliveries.replayConfirm")} onConfirm={() => replay(delivery)} />
                      )}
                    </td>
                  </tr>
                  {shown && (
                    <tr id={`attempts-${delivery.id}`} className="attempts-row">
                      <td colSpan={5}>
                        <AttemptTable delivery={delivery} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      <ReplayFailed base={base} onReplayed={(count) => (setNotice(t("replay.done", { count })), log.reload())} />
    </>
  );
}

function AttemptTable({ delivery }: { delivery: Delivery }) {
  const { t, date, number } = useApp();
  return (
    <table className="attempts">
      <caption>{t("deliveries.attemptLog", { id: delivery.id })}</caption>
      <thead>
        <tr>
          <th scope="col">{t("deliveries.attempt")}</th>
          <th scope="col">{t("deliveries.at")}</th>
          <th scope="col">{t("deliveries.code")}</th>
          <th scope="col">{t("deliveries.duration")}</th>
          <th scope="col">{t("deliveries.body")}</th>
        </tr>
      </thead>
      <tbody>
        {delivery.attempt_log.map((attempt) => (
          <tr key={attempt.number}>
            <td className="number">{number(attempt.number)}</td>
            <td>{date(attempt.at)}</td>
            <td>
              <Badge tone={attempt.ok ? "ok" : "bad"}>{attempt.status_code ?? "—"}</Badge>
            </td>
            <td className="number">{t("deliveries.ms", { ms: attempt.duration_ms })}</td>
            <td>
              {attempt.error && <p className="field-error">{t("deliveries.noAnswer", { error: attempt.error })}</p>}
              {attempt.response_body && <pre className="body">{attempt.response_body}</pre>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReplayFailed({ base, onReplayed }: { base: string; onReplayed: (count: number) => void }) {
  const { api, t, date } = useApp();
  const id = useId();
  const [range, setRange] = useState(() => defaultRange(new Date()));
  const [local, setLocal] = useState<Record<string, string>>({});
  const form = useProblem();
  const checked = replayRange(range.since, range.until);
  const question =
    "field" in checked ? t("replay.confirm", { since: range.since, until: range.until }) : t("replay.confirm", { since: date(checked.since), until: date(checked.until) });
  async function replay() {
    setLocal({});
    if ("field" in checked) {
      setLocal({ [checked.field]: t(checked.error === "order" ? "replay.order" : "replay.missing") });
      return;
    }
    const body: ReplayRange = checked;
    const done = await form.run(() => api.send<Replayed>("POST", `${base}/replay-failed`, body));
    if (done) onReplayed(done.replayed);
  }
  const errors = { ...form.errors, ...local };
  const set = (field: "since" | "until") => (value: string) => setRange((current) => ({ ...current, [field]: value }));
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("replay.title")}</h2>
      <p className="hint">{t("replay.lead")}</p>
      <FormError message={errors[""]} />
      <div className="range">
        <Field label={t("replay.since")} name="since" type="datetime-local" value={range.since} onChange={set("since")} error={errors.since} required />
        <Field label={t("replay.until")} name="until" type="datetime-local" value={range.until} onChange={set("until")} error={errors.until} required />
      </div>
      <ConfirmButton label={t("replay.submit")} question={question} onConfirm={replay} />
    </section>
  );
}
