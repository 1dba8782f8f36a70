import { useState, type FormEvent } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { useApp } from "../app";
import { landing } from "../routes";
import { Field, FormError, useProblem } from "../ui/components";
import { Bare } from "../ui/Layout";

export function SignInPage() {
  const app = useApp();
  const { t } = app;
  const from = (useLocation().state as { from?: string } | null)?.from;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const form = useProblem();
  if (app.ready && app.me) return <Navigate to={from ?? landing(app.role)} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    await form.run(() => app.signIn(email, password));
    setBusy(false);
  }
  return (
    <Bare>
      <h1>{t("signIn.title")}</h1>
      <p className="lead">{t("signIn.lead")}</p>
      <form onSubmit={submit} noValidate>
        <FormError message={form.errors[""]} />
        <Field label={t("signIn.email")} name="email" type="email" autoComplete="username" value={email} onChange={setEmail} error={form.errors.email} required />
        <Field label={t("signIn.password")} name="password" type="password" autoComplete="current-password" value={password} onChange={setPassword} error={form.errors.password} required />
        <button type="submit" className="button" disabled={busy}>
          {t("signIn.submit")}
        </button>
      </form>
    </Bare>
  );
}
