import { NavLink, Outlet } from "react-router-dom";
import { useApp } from "../app";
import type { Locale } from "../i18n/locale";
import { routesFor } from "../routes";

export function Brand() {
  const { branding, t } = useApp();
  return (
    <div className="brand">
      <span className="logo" role="img" aria-label={t("app.logo", { provider: branding.providerName })}>
        {branding.logoText}
      </span>
      <span className="provider">{branding.providerName}</span>
    </div>
  );
}

export function LanguagePicker() {
  const { locale, setLocale, t } = useApp();
  return (
    <label className="language">
      <span className="visually-hidden">{t("app.language")}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)} aria-label={t("app.language")}>
        <option value="en" lang="en">English</option>
        <option value="fr" lang="fr">Français</option>
      </select>
    </label>
  );
}

/** The signed-in layout: brand, navigation by role, the user, language and sign-out. */
export function Layout() {
  const { me, role, t, signOut } = useApp();
  const nav = routesFor(role).filter((route) => route.nav);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t("app.skip")}
      </a>
      <header className="topbar">
        <Brand />
        <nav aria-label={t("app.mainNav")}>
          <ul>
            {nav.map((route) => (
              <li key={route.path}>
                <NavLink to={`/console/${route.path}`}>{t(route.nav!)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user">
          <span className="who">
            {me?.first_name} {me?.last_name}
            <span className="role">{role ? t(`role.${role}`) : ""}</span>
          </span>
          <LanguagePicker />
          <button type="button" className="button secondary" onClick={() => void signOut()}>
            {t("app.signOut")}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

/** Pages without a session (sign-in, accept, session ended): the brand and a card. */
export function Bare({ children }: { children: React.ReactNode }) {
  const { t } = useApp();
  return (
    <div className="bare">
      <a className="skip" href="#main">
        {t("app.skip")}
      </a>
      <header className="bare-header">
        <Brand />
        <LanguagePicker />
      </header>
      <main id="main" className="card" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
