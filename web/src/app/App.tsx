import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { useTranslation } from "react-i18next";
import { SessionProvider, useSession } from "../lib/session";
import { ToastProvider } from "../lib/ui/toast";
import { LiveProvider } from "../lib/liveContext";
import { SignIn } from "./SignIn";
import { Shell } from "./Shell";
import { NotFound } from "./NotFound";
import { InboxPage } from "../features/inbox/InboxPage";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 },
  },
});

function Routed() {
  const { state, refresh } = useSession();
  const { t } = useTranslation();
  if (state.status === "loading") {
    return <div className="text-muted p-8">{t("app.loading")}</div>;
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
