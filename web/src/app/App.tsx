import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { SessionProvider, useSession } from "../lib/session";
import { ToastProvider } from "../lib/ui/toast";
import { LiveProvider } from "../lib/liveContext";
import { SignIn } from "./SignIn";
import { Shell } from "./Shell";
import { NotFound } from "./NotFound";
import { InboxPage } from "../features/inbox/InboxPage";
import { useMe } from "../lib/session";

// Screens other than the inbox load on demand, so the inbox (the screen
// agents keep open all day) ships only its own code.
const SettingsPage = lazy(() => import("../features/settings/SettingsPage"));
const ContactsPage = lazy(() => import("../features/contacts/ContactsPage"));
const AcceptInvite = lazy(() => import("../features/invite/AcceptInvite"));
const BuilderPage = lazy(() => import("../features/builder/BuilderPage"));
const ReportsPage = lazy(() => import("../features/reports/ReportsPage"));
const KnowledgePage = lazy(() => import("../features/knowledge/KnowledgePage"));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 },
  },
});

function Loading() {
  const { t } = useTranslation();
  return <div className="text-muted p-8">{t("app.loading")}</div>;
}

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

/** ManagersOnly shows agents the 404 page: settings do not exist for them. */
function ManagersOnly({ children }: { children: ReactNode }) {
  const me = useMe();
  return me.role === "owner" || me.role === "manager" ? <>{children}</> : <NotFound />;
}

function Routed() {
  const { state, refresh } = useSession();
  const location = useLocation();
  if (state.status === "loading") {
    return <Loading />;
  }
  // An invitation link is for someone without an account yet.
  if (location.pathname.startsWith("/invite/")) {
    return (
      <Lazy>
        <AcceptInvite />
      </Lazy>
    );
  }
  if (state.status === "signed-out") {
    return <SignIn expired={state.expired} />;
  }
  return (
    <LiveProvider onSignedOut={() => void refresh()}>
      <Routes>
        <Route element={<Shell />}>
          <Route index element={<Navigate to="/inbox/all" replace />} />
          <Route path="inbox" element={<Navigate to="/inbox/all" replace />} />
          <Route path="inbox/:view" element={<InboxPage />} />
          <Route path="inbox/:view/:conversationID" element={<InboxPage />} />
          <Route
            path="contacts/*"
            element={
              <Lazy>
                <ContactsPage />
              </Lazy>
            }
          />
          <Route
            path="builder/*"
            element={
              <ManagersOnly>
                <Lazy>
                  <BuilderPage />
                </Lazy>
              </ManagersOnly>
            }
          />
          <Route
            path="reports/*"
            element={
              <ManagersOnly>
                <Lazy>
                  <ReportsPage />
                </Lazy>
              </ManagersOnly>
            }
          />
          <Route
            path="settings/*"
            element={
              <ManagersOnly>
                <Lazy>
                  <SettingsPage />
                </Lazy>
              </ManagersOnly>
            }
          />
          <Route
            path="knowledge"
            element={
              <Lazy>
                <KnowledgePage />
              </Lazy>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </LiveProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <SessionProvider>
          <BrowserRouter>
            <Routed />
          </BrowserRouter>
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>
  );
}
