import { Link } from "react-router";
import { useTranslation } from "react-i18next";

export function NotFound() {
  const { t } = useTranslation();
  return (
    <main data-testid="not-found" className="flex flex-1 flex-col items-center justify-center gap-3 p-10 text-center">
      <h1 className="text-xl font-semibold">{t("app.notFound")}</h1>
      <p className="text-muted">{t("app.notFoundBody")}</p>
      <Link to="/inbox/all" className="text-accent underline">
        {t("app.backToInbox")}
      </Link>
    </main>
  );
}
