import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from "react-router-dom";
import { AppProvider, useApp } from "./app";
import { AcceptInvitationPage } from "./pages/AcceptInvitation";
import { SessionEndedPage } from "./pages/SessionEnded";
import { SignInPage } from "./pages/SignIn";
import { landing, refusedFor, routesFor } from "./routes";
import { Bare, Layout } from "./ui/Layout";
import "./styles.css";

function Signedin({ children }: { children: React.ReactNode }) {
  const { me, ready, ended, t } = useApp();
  const location = useLocation();
  if (!ready) return <p className="loading">{t("app.loading")}</p>;
  if (ended?.reason === "ended") return <Navigate to="/console/session-ended" replace />;
  if (!me) return <Navigate to="/console/sign-in" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

function NotFound() {
  const { t, me, ready, ended } = useApp();
  const location = useLocation();
  if (ready && !me && location.pathname.startsWith("/console/")) {
    // signed out, or the session ended: the console's pages ask to sign in first
    const to = ended?.reason === "ended" ? "/console/session-ended" : "/console/sign-in";
    return <Navigate to={to} replace state={{ from: location.pathname }} />;
  }
  if (!ready) return <p className="loading">{t("app.loading")}</p>;
  return (
    <Bare>
      <h1>{t("notFound.title")}</h1>
      <Link to="/console/">{t("notFound.back")}</Link>
    </Bare>
  );
}

function Console() {
  const { role } = useApp();
  return (
    <Routes>
      <Route path="/invitations/accept" element={<AcceptInvitationPage />} />
      <Route path="/console/sign-in" element={<SignInPage />} />
      <Route path="/console/session-ended" element={<SessionEndedPage />} />
      <Route
        path="/console"
        element={
          <Signedin>
            <Layout />
          </Signedin>
        }
      >
        <Route index element={<Navigate to={landing(role)} replace />} />
        {routesFor(role).map((route) => (
          <Route key={route.path} path={route.path} element={route.element} />
        ))}
      </Route>
      {refusedFor(role).map((route) => (
        <Route key={route.path} path={`/console/${route.path}`} element={<NotFound />} />
      ))}
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <AppProvider>
        <Console />
      </AppProvider>
    </BrowserRouter>
  </StrictMode>,
);
