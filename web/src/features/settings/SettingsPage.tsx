// SettingsPage: the settings' menu and the open section. Only owners and
// managers reach it (App.tsx answers agents with the 404 page, as the API
// answers them 403).
import { Suspense } from "react";
import { NavLink, Navigate, Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import { useMe } from "../../lib/session";
import { sections } from "./sections";

export default function SettingsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const visible = sections.filter((s) => !s.ownersOnly || me.role === "owner");
  return (
    <div className="flex min-h-0 flex-1">
      <nav aria-label={t("settings.title")} className="border-line bg-panel w-52 shrink-0 overflow-y-auto border-r p-2">
        <h1 className="text-muted px-2 pt-1 pb-2 text-xs font-semibold tracking-wide uppercase">{t("settings.title")}</h1>
        <ul className="flex flex-col gap-0.5">
          {visible.map((s) => (
            <li key={s.path}>
              <NavLink
                to={`/settings/${s.path}`}
                className={({ isActive }) =>
                  "block rounded px-2 py-1.5 text-sm " + (isActive ? "bg-selected font-medium" : "hover:bg-hover")
                }
              >
                {t(s.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main className="min-w-0 flex-1 overflow-y-auto">
        <div className="mx-auto max-w-4xl p-6">
          <Suspense fallback={<p className="text-muted">{t("app.loading")}</p>}>
            <Routes>
              <Route index element={<Navigate to="workspace" replace />} />
              {visible.map((s) => (
                <Route key={s.path} path={`${s.path}/*`} element={<s.Page />} />
              ))}
              <Route path="*" element={<Navigate to="/settings/workspace" replace />} />
            </Routes>
          </Suspense>
        </div>
      </main>
    </div>
  );
}
