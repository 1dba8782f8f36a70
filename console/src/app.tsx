import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { http, type Http } from "./api/http";
import type { Role, User } from "./api/types";
import { capabilities, type Capabilities } from "./auth/permissions";
import { browserSession, type Session, type SessionEnd } from "./auth/session";
import type { MessageKey } from "./i18n/messages";
import { formatDateTime, formatNumber, pickLocale, translate, type Locale } from "./i18n/locale";

export interface Branding {
  providerName: string;
  logoText: string;
}

export interface App {
  session: Session;
  api: Http;
  me: User | null;
  role: Role | null;
  can: Capabilities;
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  date: (iso: string | null | undefined) => string;
  number: (value: number) => string;
  branding: Branding;
  ready: boolean;
  ended: SessionEnd | null;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const AppContext = createContext<App | null>(null);

export function useApp(): App {
  const app = useContext(AppContext);
  if (!app) throw new Error("useApp outside <AppProvider>");
  return app;
}

const LANGUAGE_CHOICE = "storefronts.language"; // a preference, not a credential

export function AppProvider({ children }: { children: ReactNode }) {
  const [session] = useState(browserSession);
  const [me, setMe] = useState<User | null>(null);
  const [chosen, setChosen] = useState<Locale | null>(() => {
    const stored = window.sessionStorage.getItem(LANGUAGE_CHOICE);
    return stored === "en" || stored === "fr" ? stored : null;
  });
  const [ready, setReady] = useState(false);
  const [ended, setEnded] = useState<SessionEnd | null>(null);
  const [branding, setBranding] = useState<Branding>({ providerName: "Storefronts", logoText: "SF" });
  const locale = chosen ?? pickLocale(me?.locale, navigator.languages ?? [navigator.language]);
  const api = useMemo(() => http(session, () => locale), [session, locale]);

  const loadMe = useCallback(async () => {
    setMe(await api.get<User>("/auth/me"));
  }, [api]);

  useEffect(() => {
    fetch(`${import.meta.env.BASE_URL}settings.json`)
      .then((r) => (r.ok ? r.json() : null))
      .then((value: Partial<Branding> | null) => value && setBranding((b) => ({ ...b, ...value })))
      .catch(() => undefined);
    const stop = session.onEnd((end) => {
      setMe(null);
      setEnded(end);
    });
    session
      .resume()
      .then(async (resumed) => {
        if (resumed) setMe(await http(session, () => locale).get<User>("/auth/me"));
      })
      .catch(() => undefined)
      .finally(() => setReady(true));
    return () => {
      stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session]);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  // coming back to the tab asks whether the session still stands: a user removed, or whose
  // company's access was turned off meanwhile, sees "Your session has ended" at once
  useEffect(() => {
    if (!me) return;
    const check = () => {
      if (document.visibilityState === "visible") api.get<User>("/auth/me").then(setMe, () => undefined);
    };
    document.addEventListener("visibilitychange", check);
    return () => document.removeEventListener("visibilitychange", check);
  }, [api, me]);

  const value: App = {
    session,
    api,
    me,
    role: (me?.role as Role | undefined) ?? null,
    can: capabilities(me?.role as Role | undefined),
    locale,
    setLocale: (next) => {
      window.sessionStorage.setItem(LANGUAGE_CHOICE, next);
      setChosen(next);
    },
    t: (key, params) => translate(locale, key, params),
    date: (iso) => formatDateTime(locale, iso),
    number: (n) => formatNumber(locale, n),
    branding,
    ready,
    ended,
    signIn: async (email, password) => {
      await session.signIn(email, password, locale);
      setEnded(null);
      await loadMe();
    },
    signOut: () => session.signOut(),
  };
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}
