import { Link } from "react-router-dom";
import { useApp } from "../app";
import { changesAnything } from "../auth/permissions";
import { EmptyState, PageTitle } from "../ui/components";

/** A client user's home: what their role gives them, and what comes next. */
export function HomePage() {
  const { me, role, t, can } = useApp();
  return (
    <>
      <PageTitle>{t("home.title", { name: me?.first_name ?? "" })}</PageTitle>
      <p className="lead">{t("home.lead", { role: role ? t(`role.${role}`) : "" })}</p>
      {!changesAnything(role) && <p className="alert alert-info">{t("home.readOnly")}</p>}
      <EmptyState action={can.manageTeam ? <Link className="button" to="/console/team">{t("team.invite")}</Link> : undefined}>
        {t("home.empty")}
      </EmptyState>
    </>
  );
}
