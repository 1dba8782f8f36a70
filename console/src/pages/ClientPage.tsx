import { useEffect, useState, type FormEvent } from "react";
import { NavLink, useParams } from "react-router-dom";
import { ApiError } from "../api/problems";
import type { AdminUpdate, ClientRecord, StorefrontAccess, StorefrontAccessUpdate, User } from "../api/types";
import { useApp } from "../app";
import { Badge, ConfirmButton, Field, FormError, LoadError, Notice, PageTitle, useLoad, useProblem } from "../ui/components";
import { EmailLog } from "./Emails";
import { OrderRulesPanel } from "./OrderRules";
import { DeliveryLog, PostbackEndpoints } from "./Postbacks";
import { StoreList } from "./Stores";
import { Team } from "./Team";

const TABS = ["overview", "stores", "settings", "team", "emails", "postbacks", "order-rules"] as const;

/** Operators: one client, with its Overview, Settings (storefront access) and e-mails. */
export function ClientPage() {
  const { api, t, date } = useApp();
  const params = useParams();
  const { clientId = "", endpointId } = params;
  const tab = endpointId ? "postbacks" : (params.tab ?? "overview"); // an endpoint's delivery log is under the Postbacks tab
  const { data: client, error, reload, setData } = useLoad(() => api.get<ClientRecord>(`/clients/${clientId}`), [clientId]);
  const labels = { overview: t("client.overview"), stores: t("client.stores"), settings: t("client.settings"), team: t("client.team"), emails: t("client.emails"), postbacks: t("client.postbacks"), "order-rules": t("client.orderRules") };
  if (!client) return <LoadError error={error} retry={reload} />;
  const archived = client.status === "archived";
  const archive = async () => setData(await api.send<ClientRecord>("POST", `/clients/${clientId}/${archived ? "restore" : "archive"}`));
  return (
    <>
      <PageTitle
        actions={
          archived ? (
            <ConfirmButton label={t("client.restore")} question={t("client.restoreConfirm", { name: client.name })} onConfirm={archive} />
          ) : (
            <ConfirmButton danger label={t("client.archive")} question={t("client.archiveConfirm", { name: client.name })} onConfirm={archive} />
          )
        }
      >
        {client.name} <Badge tone={archived ? "muted" : "ok"}>{archived ? t("clients.status.archived") : t("clients.status.active")}</Badge>
      </PageTitle>
      <nav className="tabs" aria-label={t("client.tabs")}>
        {TABS.map((name) => (
          <NavLink key={name} to={`/console/clients/${clientId}/${name}`} className={tab === name ? "active" : undefined} aria-current={tab === name ? "page" : undefined} end>
            {labels[name]}
          </NavLink>
        ))}
      </nav>
      {archived && <p className="alert alert-warn">{t("client.archived")}</p>}
      {tab === "overview" && (
        <dl className="panel details">
          <dt>{t("clients.reference")}</dt>
          <dd>{client.reference_id ?? "—"}</dd>
          <dt>{t("client.description")}</dt>
          <dd>{client.description ?? "—"}</dd>
          <dt>{t("clients.created")}</dt>
          <dd>{date(client.created_at)}</dd>
          <dt>{t("client.updated")}</dt>
          <dd>{date(client.updated_at)}</dd>
        </dl>
      )}
      {tab === "stores" && <StoreList clientId={clientId} />}
      {tab === "order-rules" && <OrderRulesPanel clientId={clientId} />}
      {tab === "settings" && <StorefrontAccessPanel clientId={clientId} archived={archived} />}
      {tab === "team" && <Team clientId={clientId} />}
      {tab === "emails" && <EmailLog clientId={clientId} />}
      {tab === "postbacks" && !endpointId && <PostbackEndpoints clientId={clientId} logPath={(id) => `/console/clients/${clientId}/postbacks/${id}`} />}
      {tab === "postbacks" && endpointId && <DeliveryLog clientId={clientId} endpointId={endpointId} back={`/console/clients/${clientId}/postbacks`} />}
    </>
  );
}

/** A client created a moment ago: access learns of it from the client's event (409
 * client-not-yet-known with Retry-After; 404 from older versions). */
function notYetKnown(error: ApiError): boolean {
  return error.status === 404 || (error.status === 409 && (error.problem.type ?? "").endsWith("/client-not-yet-known"));
}

function adminStatus(admin: User): string {
  return admin.invitation_status ?? admin.status;
}

/** Step 2 of the guide: the "Storefront access" toggle, the admin, and the invitation's steps. */
export function StorefrontAccessPanel({ clientId, archived }: { clientId: string; archived: boolean }) {
  const { api, t, date, locale } = useApp();
  const [access, setAccess] = useState<StorefrontAccess | null>(null);
  const [missing, setMissing] = useState(false);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [wantOn, setWantOn] = useState(false);
  const [email, setEmail] = useState("");
  const [first, setFirst] = useState("");
  const [last, setLast] = useState("");
  const [language, setLanguage] = useState<string>(locale);
  const [notice, setNotice] = useState<string | null>(null);
  const [correcting, setCorrecting] = useState(false);
  const form = useProblem();

  useEffect(() => {
    let live = true;
    let timer = 0;
    const load = () =>
      api
        .get<StorefrontAccess>(`/clients/${clientId}/storefront-access`)
        .then((value) => live && (setAccess(value), setMissing(false)))
        .catch((e: unknown) => {
          if (!live) return;
          if (e instanceof ApiError && notYetKnown(e)) {
            setMissing(true); // the access service learns of a new client from its event
            timer = window.setTimeout(load, 1000);
          } else if (e instanceof ApiError) setLoadError(e);
        });
    void load();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [api, clientId]);

  async function put(body: StorefrontAccessUpdate) {
    const saved = await form.run(() => api.send<StorefrontAccess>("PUT", `/clients/${clientId}/storefront-access`, body));
    if (saved) {
      setAccess(saved);
      setWantOn(false);
      setNotice(t("access.saved"));
    }
  }
  async function enable(event: FormEvent) {
    event.preventDefault();
    await put({ enabled: true, admin_email: email, admin_first_name: first, admin_last_name: last, locale: language });
  }
  async function correct(event: FormEvent) {
    event.preventDefault();
    const body: AdminUpdate = { email };
    const saved = await form.run(() => api.send<StorefrontAccess>("PATCH", `/clients/${clientId}/storefront-access/admin`, body));
    if (saved) {
      setAccess(saved);
      setCorrecting(false);
      setNotice(t("access.resent"));
    }
  }
  async function resend() {
    const saved = await form.run(() => api.send<StorefrontAccess>("POST", `/clients/${clientId}/storefront-access/resend-invitation`));
    if (saved) {
      setAccess(saved);
      setNotice(t("access.resent"));
    }
  }

  const waiting = access?.enabled && access.admin && adminStatus(access.admin) === "pending";
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(() => {
      api.get<StorefrontAccess>(`/clients/${clientId}/storefront-access`).then(setAccess, () => undefined);
    }, 2000); // the mail server's answer arrives by an event: show "Invitation sent" when it does
    return () => window.clearInterval(timer);
  }, [api, clientId, waiting]);

  if (loadError) return <LoadError error={loadError} />;
  if (missing || !access) return <p role="status">{missing ? t("access.pending") : t("app.loading")}</p>;
  const admin = access.admin;
  const on = access.enabled;
  const status = admin ? adminStatus(admin) : null;
  const tone = status === "active" ? "ok" : status === "delivery_failed" ? "bad" : "warn";
  return (
    <section className="panel" aria-labelledby="access-title">
      <h2 id="access-title">{t("access.title")}</h2>
      {notice && <Notice>{notice}</Notice>}
      <FormError message={form.errors[""]} />
      <div className="switch-row">
        <span id="access-toggle-label">{t("access.toggle")}</span>
        {on ? (
          <ConfirmButton
            danger
            switchOf={{ labelledBy: "access-toggle-label", text: t("access.on") }}
            label={t("access.turnOff")}
            question={t("access.turnOffConfirm", { name: access.client_name })}
            onConfirm={() => put({ enabled: false })}
          />
        ) : (
          <button
            type="button"
            role="switch"
            aria-checked={wantOn}
            aria-labelledby="access-toggle-label"
            className={`switch${wantOn ? " on" : ""}`}
            disabled={archived}
            onClick={() => setWantOn((v) => !v)}
          >
            {wantOn ? t("access.on") : t("access.off")}
          </button>
        )}
      </div>
      {!on && !wantOn && <p className="hint">{t("access.lead")}</p>}
      {!on && wantOn && (
        <form onSubmit={enable} noValidate className="narrow">
          <Field label={t("access.adminEmail")} name="admin_email" type="email" value={email} onChange={setEmail} hint={t("access.adminEmailHint")} error={form.errors.admin_email} required />
          <Field label={t("access.adminFirst")} name="admin_first_name" value={first} onChange={setFirst} error={form.errors.admin_first_name} required />
          <Field label={t("access.adminLast")} name="admin_last_name" value={last} onChange={setLast} error={form.errors.admin_last_name} required />
          <div className="field">
            <label htmlFor="access-locale">{t("access.locale")}</label>
            <select id="access-locale" value={language} onChange={(e) => setLanguage(e.target.value)}>
              <option value="en">English</option>
              <option value="fr">Français</option>
            </select>
          </div>
          <button type="submit" className="button">
            {t("access.submit")}
          </button>
        </form>
      )}
      {admin && (
        <div className="admin">
          <h3>{t("access.admin")}</h3>
          <p>
            {admin.first_name} {admin.last_name} · <span data-testid="admin-email">{admin.email}</span>
          </p>
          <p>
            {t("access.status")}: <Badge tone={tone}>{t(`status.${status}` as "status.sent")}</Badge>
          </p>
          {admin.delivery_error && <p className="field-error">{admin.delivery_error}</p>}
          <h4>{t("access.steps")}</h4>
          <ol className="steps">
            <li className={admin.invited_at ? "done" : ""}>
              {t("access.invitedAt")} <time>{date(admin.invited_at)}</time>
            </li>
            {admin.delivery_failed_at && !admin.sent_at ? (
              <li className="failed">
                {t("access.failedAt")} <time>{date(admin.delivery_failed_at)}</time>
              </li>
            ) : (
              <li className={admin.sent_at ? "done" : ""}>
                {t("access.sentAt")} <time>{date(admin.sent_at)}</time>
              </li>
            )}
            <li className={admin.activated_at ? "done" : ""}>
              {t("access.activatedAt")} <time>{date(admin.activated_at)}</time>
            </li>
          </ol>
          {on && admin.status !== "active" && !archived && (
            <div className="actions">
              <button type="button" className="button secondary" onClick={() => void resend()}>
                {t("access.resend")}
              </button>
              <button type="button" className="button secondary" aria-expanded={correcting} onClick={() => (setEmail(admin.email), setCorrecting((v) => !v))}>
                {t("access.correct")}
              </button>
            </div>
          )}
          {correcting && (
            <form onSubmit={correct} noValidate className="narrow">
              <Field label={t("access.adminEmail")} name="email" type="email" value={email} onChange={setEmail} error={form.errors.email} required />
              <button type="submit" className="button">
                {t("access.correctSubmit")}
              </button>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
