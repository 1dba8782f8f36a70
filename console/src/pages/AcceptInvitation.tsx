import { useEffect, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { ApiError } from "../api/problems";
import type { InvitationInspection, User } from "../api/types";
import { useApp } from "../app";
import { pickLocale } from "../i18n/locale";
import { landing } from "../routes";
import { Field, FormError, useProblem } from "../ui/components";
import { Bare } from "../ui/Layout";

/** The invitation token from the link's fragment (#token=…, which no server sees), or its
 * query for older links. */
export function tokenFromLocation(hash: string, search: string): string | null {
  for (const part of [hash.replace(/^#/, ""), search.replace(/^\?/, "")]) {
    const token = new URLSearchParams(part).get("token");
    if (token) return token;
  }
  return null;
}

/** The mail's link lands here: check the link, set a password, and be signed in. */
export function AcceptInvitationPage() {
  const app = useApp();
  const { t } = app;
  const navigate = useNavigate();
  const [token] = useState(() => tokenFromLocation(window.location.hash, window.location.search));
  const [inspection, setInspection] = useState<InvitationInspection | null>(null);
  const [unknown, setUnknown] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useProblem();

  useEffect(() => {
    // the token leaves the address bar (and history) once read
    if (token) window.history.replaceState(null, "", window.location.pathname);
    if (!token) return;
    fetch("/invitations/inspect", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": app.locale },
      body: JSON.stringify({ token }),
    })
      .then(async (response) => {
        const body = await response.json();
        if (response.ok) {
          const seen = body as InvitationInspection;
          setInspection(seen);
          app.setLocale(pickLocale(seen.locale, []));
        } else setUnknown(body.detail ?? body.title);
      })
      .catch((e: unknown) => setUnknown(String(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token || !inspection) return;
    setMismatch(password !== confirm);
    if (password !== confirm) return;
    setBusy(true);
    const accepted = await form.run(async () => {
      const response = await fetch("/invitations/accept", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": app.locale },
        body: JSON.stringify({ token, password }),
      });
      const body = await response.json();
      if (!response.ok) throw new ApiError(response.status, body);
      return body as User;
    });
    if (accepted) {
      await form.run(() => app.signIn(accepted.email, password));
      navigate(landing(accepted.role as never), { replace: true });
    }
    setBusy(false);
  }

  const rules = inspection?.password_rules;
  return (
    <Bare>
      <h1>{t("accept.title")}</h1>
      {!token && <p className="alert alert-error" role="alert">{t("accept.noToken")}</p>}
      {token && !inspection && !unknown && <p role="status">{t("accept.checking")}</p>}
      {unknown && (
        <div className="alert alert-error" role="alert">
          <p>{unknown}</p>
          <p>{t("accept.askAgain")}</p>
        </div>
      )}
      {inspection && inspection.state !== "usable" && (
        <div className="alert alert-error" role="alert">
          <p>{inspection.message ?? t("accept.unusable")}</p>
          <p>{t("accept.askAgain")}</p>
        </div>
      )}
      {inspection && inspection.state === "usable" && (
        <form onSubmit={submit} noValidate>
          <p className="lead">{t("accept.account", { email: inspection.email ?? "", client: inspection.client_name ?? "" })}</p>
          <p>{t("accept.choose")}</p>
          {rules && <p className="hint">{t("accept.rules", { min: rules.min_length, max: rules.max_length })}</p>}
          <FormError message={form.errors[""] ?? form.errors.token} />
          <Field label={t("accept.password")} name="password" type="password" autoComplete="new-password" value={password} onChange={setPassword} error={form.errors.password} required />
          <Field label={t("accept.confirm")} name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={setConfirm} error={mismatch ? t("accept.different") : undefined} required />
          <button type="submit" className="button" disabled={busy}>
            {t("accept.submit")}
          </button>
        </form>
      )}
    </Bare>
  );
}
