// The broadcasts tests' server: fetch stubbed with the workspace's
// directory (two channels, one of them WhatsApp with templates), each
// request recorded with its body, and whatever a test answers itself.
import type { ReactNode } from "react";
import { vi } from "vitest";
import { render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import "../../lib/i18n";
import { SessionProvider, useSession } from "../../lib/session";
import { LiveProvider } from "../../lib/liveContext";
import { FakeWebSocket } from "../../lib/fakeWebSocket";
import { ToastProvider } from "../../lib/ui/toast";
import { json } from "../../test/http";
import BroadcastsPage from "./BroadcastsPage";
import type { Broadcast, BroadcastStats } from "./types";

export interface Call {
  method: string;
  url: string;
  body?: unknown;
}

/** A handler answers a request, or undefined for the directory's default. */
export type Handler = (c: Call) => Promise<Response> | undefined;

export const channels = [
  { id: 1, name: "Website chat", type: "custom", templates: false, config: {}, secrets: {}, workspace_id: 1, created_at: "2026-01-01T00:00:00Z" },
  { id: 2, name: "WhatsApp Sales", type: "whatsapp", templates: true, config: {}, secrets: {}, workspace_id: 1, created_at: "2026-01-01T00:00:00Z" },
  { id: 3, name: "Newsletter", type: "email", templates: false, config: {}, secrets: {}, workspace_id: 1, created_at: "2026-01-01T00:00:00Z" },
];

const caps = (window: number) => ({ attachments: [], buttons: 0, list_items: 0, max_text_length: 4096, quick_replies: false, reply_window_seconds: window, templates: window > 0 });

export const zeroStats: BroadcastStats = { recipients: 0, pending: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0, replied: 0 };

export function broadcast(over: Partial<Broadcast> = {}): Broadcast {
  return {
    id: 7,
    name: "Spring sale",
    channel_id: 1,
    audience: { tag: "vip" },
    message: { type: "text", text: "20 % off this week" },
    status: "draft",
    created_by: 1,
    created_at: "2026-03-01T09:00:00Z",
    updated_at: "2026-03-01T09:00:00Z",
    stats: zeroStats,
    ...over,
  };
}

/** stubAPI records every request in calls and answers it with handle, else the directory. */
export function stubAPI(handle: Handler): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const c: Call = { method: init.method ?? "GET", url, body: init.body ? JSON.parse(String(init.body)) : undefined };
      calls.push(c);
      const answer = handle(c);
      if (answer) return answer;
      if (url === "/api/v1/me") return json(200, { role: "manager", workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 1, name: "Olga", team_ids: [] } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url.startsWith("/api/v1/channels?")) return json(200, { data: channels, next_cursor: "" });
      if (url === "/api/v1/channel-types") return json(200, { items: [{ type: "custom", capabilities: caps(0) }, { type: "whatsapp", capabilities: caps(86400) }, { type: "email", capabilities: caps(0) }] });
      if (url.startsWith("/api/v1/tags")) return json(200, { data: [{ id: 1, name: "vip" }, { id: 2, name: "churned" }], next_cursor: "" });
      if (url.startsWith("/api/v1/lifecycle-stages")) return json(200, { data: [{ id: 1, name: "Lead" }], next_cursor: "" });
      return json(200, { data: [], next_cursor: "" });
    }),
  );
  return calls;
}

function SignedIn({ children }: { children: ReactNode }) {
  const { state } = useSession();
  return state.status === "signed-in" ? <>{children}</> : null;
}

function Where() {
  const l = useLocation();
  return <p data-testid="location">{l.pathname}</p>;
}

/** mount opens the broadcasts area at path, signed in as a manager. */
export function mount(path: string) {
  FakeWebSocket.all = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <SessionProvider>
          <MemoryRouter initialEntries={[path]}>
            <SignedIn>
              <LiveProvider onSignedOut={() => {}}>
                <Routes>
                  <Route path="/broadcasts/*" element={<BroadcastsPage />} />
                  <Route path="/contacts/:id" element={<p>a contact</p>} />
                </Routes>
                <Where />
              </LiveProvider>
            </SignedIn>
          </MemoryRouter>
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

/** openSocket opens the page's socket. */
export function openSocket() {
  const ws = FakeWebSocket.all[FakeWebSocket.all.length - 1]!;
  if (ws.readyState !== FakeWebSocket.OPEN) ws.open();
  return ws;
}

/** socketEvent delivers one event of the log on the page's socket (opening it first). */
export function socketEvent(id: number, type: string) {
  openSocket().deliver({ type: "event", event: { id, type, conversation_id: 70, workspace_id: 1, created_at: new Date().toISOString(), payload: {} } });
}

/** bodies are the bodies of the requests to method url. */
export const bodies = (calls: Call[], method: string, url: string) => calls.filter((c) => c.method === method && c.url === url).map((c) => c.body);
