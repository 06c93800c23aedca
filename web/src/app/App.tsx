import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";
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
import { AppQueryClient } from "../lib/queryClient";

// Screens other than the inbox load on demand, so the inbox (the screen
// agents keep open all day) ships only its own code.
// Each area's code is a chunk of its own. The chunk of the page the app
// opens on starts loading at once, beside the session's request, instead
// of after it (a cold open of /builder/<id> is one round trip shorter).
const pages = {
  "/settings": () => import("../features/settings/SettingsPage"),
  "/contacts": () => import("../features/contacts/ContactsPage"),
  "/invite": () => import("../features/invite/AcceptInvite"),
  "/reset-password": () => import("../features/password/ResetPassword"),
  "/rate": () => import("../features/survey/RatePage"),
  "/builder": () => import("../features/builder/BuilderPage"),
  "/knowledge": () => import("../features/knowledge/KnowledgePage"),
  "/reports": () => import("../features/reports/ReportsPage"),
  "/broadcasts": () => import("../features/broadcasts/BroadcastsPage"),
  "/account": () => import("../features/account/AccountPage"),
};
for (const [prefix, load] of Object.entries(pages)) if (location.pathname.startsWith(prefix)) void load();
const SettingsPage = lazy(pages["/settings"]);
const ContactsPage = lazy(pages["/contacts"]);
const AcceptInvite = lazy(pages["/invite"]);
const ResetPassword = lazy(pages["/reset-password"]);
const RatePage = lazy(pages["/rate"]);
const BuilderPage = lazy(pages["/builder"]);
const KnowledgePage = lazy(pages["/knowledge"]);
const ReportsPage = lazy(pages["/reports"]);
const BroadcastsPage = lazy(pages["/broadcasts"]);
const AccountPage = lazy(pages["/account"]);
const TwoFactorGate = lazy(() => import("../features/account/TwoFactorGate"));

const queryClient = new AppQueryClient({
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
  // A workspace that requires two-factor sign-in, of a member without it:
  // the gate, held until the recovery codes made there were kept.
  const me = state.status === "signed-in" ? state.me : null;
  const needsTwoFactor = !!me?.user && !!me.workspace.require_two_factor && !me.account?.two_factor;
  const [gateHeld, setGateHeld] = useState(false);
  useEffect(() => {
    if (needsTwoFactor) setGateHeld(true);
  }, [needsTwoFactor]);
  useEffect(() => {
    if (state.status === "signed-out") setGateHeld(false);
  }, [state.status]);
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
  // So is a password-reset link: whoever opens it may be signed out.
  if (location.pathname.startsWith("/reset-password/")) {
    return (
      <Lazy>
        <ResetPassword />
      </Lazy>
    );
  }
  // So is a satisfaction survey's link: the contact who opens it has no
  // account, and an agent who does sees it as the contact would.
  if (location.pathname.startsWith("/rate/")) {
    return (
      <Lazy>
        <RatePage />
      </Lazy>
    );
  }
  if (state.status === "signed-out") {
    return <SignIn expired={state.expired} />;
  }
  if (needsTwoFactor || gateHeld) {
    return (
      <Lazy>
        <TwoFactorGate onKept={() => setGateHeld(false)} />
      </Lazy>
    );
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
            path="broadcasts/*"
            element={
              <ManagersOnly>
                <Lazy>
                  <BroadcastsPage />
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
            path="account"
            element={
              <Lazy>
                <AccountPage />
              </Lazy>
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
