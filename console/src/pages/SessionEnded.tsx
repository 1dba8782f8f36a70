import { Link } from "react-router-dom";
import { useApp } from "../app";
import { Bare } from "../ui/Layout";

/** Where a session the platform ended lands: the user was removed, or access turned off. */
export function SessionEndedPage() {
  const { t, ended } = useApp();
  const detail = ended?.reason === "ended" ? ended.detail : null;
  return (
    <Bare>
      <h1>{t("ended.title")}</h1>
      <p className="lead">{ended?.reason === "signed_out" ? t("ended.signedOut") : t("ended.lead")}</p>
      {detail && (
        <p className="alert alert-warn" role="status">
          {detail}
        </p>
      )}
      <Link className="button" to="/console/sign-in">
        {t("ended.again")}
      </Link>
    </Bare>
  );
}
