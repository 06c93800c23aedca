// The bell: opening a notification takes the person to its conversation,
// closes the bell and marks that one read, so the count goes down; one
// that arrives while the tab is in the background shows as a browser
// notification that says which conversation.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes, useParams } from "react-router";
import "../lib/i18n";
import { SessionProvider, useSession } from "../lib/session";
import { ToastProvider } from "../lib/ui/toast";
import { Header } from "./Header";
import { json, noContent } from "../test/http";

interface Note {
  id: number;
  kind: string;
  conversation_id?: number;
  subject_id?: number;
  event_id: number;
  created_at: string;
  read_at?: string;
}
let notes: Note[];
let reads: unknown[];

beforeEach(() => {
  localStorage.setItem("switchboard.theme", "light"); // jsdom has no matchMedia
  localStorage.removeItem("switchboard.notificationSound"); // no chime unless a test asks
  localStorage.removeItem("switchboard.notificationSound.last");
  reads = [];
  notes = [
    { id: 2, kind: "mention", conversation_id: 12, event_id: 20, created_at: "2026-03-02T09:01:00Z" },
    { id: 1, kind: "assignment", conversation_id: 11, event_id: 10, created_at: "2026-03-02T09:00:00Z" },
  ];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      if (url === "/api/v1/me") return json(200, { role: "agent", workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 3, name: "Ana", team_ids: [] } });
      if (url === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (url === "/api/v1/me/notifications/read" && method === "POST") {
        const body = JSON.parse(String(init.body)) as { ids?: number[] };
        reads.push(body);
        for (const n of notes) if (!body.ids || body.ids.includes(n.id)) n.read_at ??= "2026-03-02T09:05:00Z";
        return noContent();
      }
      if (url === "/api/v1/me/notifications/count") return json(200, { unread: notes.filter((n) => !n.read_at).length });
      if (url.startsWith("/api/v1/me/notifications")) return json(200, { data: notes.map((n) => ({ ...n })), next_cursor: "" });
      return json(200, { data: [], next_cursor: "" });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Opened() {
  const { conversationID } = useParams();
  return <p data-testid="opened">{conversationID}</p>;
}

function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <Header /> : null;
}

function renderHeader(qc = new QueryClient({ defaultOptions: { queries: { retry: false } } })) {
  render(
    <QueryClientProvider client={qc}>
      <ToastProvider>
        <SessionProvider>
          <MemoryRouter initialEntries={["/contacts"]}>
            <SignedIn />
            <Routes>
              <Route path="/inbox/:view/:conversationID" element={<Opened />} />
              <Route path="*" element={null} />
            </Routes>
          </MemoryRouter>
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

it("marks the notification it opens read, and only that one", async () => {
  renderHeader();
  const bell = await screen.findByTestId("bell");
  await waitFor(() => expect(bell.textContent).toContain("2"));
  fireEvent.click(bell);
  fireEvent.click(await screen.findByText("You were mentioned in conversation #12"));
  await waitFor(() => expect(screen.getByTestId("opened").textContent).toBe("12"));
  await waitFor(() => expect(reads).toEqual([{ ids: [2] }]));
  await waitFor(() => expect(screen.getByTestId("bell").textContent).toContain("1"));
});

it("opens a notification already read without asking to read it again", async () => {
  notes = notes.map((n) => (n.id === 2 ? { ...n, read_at: "2026-03-02T09:02:00Z" } : n));
  renderHeader();
  fireEvent.click(await screen.findByTestId("bell"));
  fireEvent.click(await screen.findByText("You were mentioned in conversation #12"));
  await waitFor(() => expect(screen.getByTestId("opened").textContent).toBe("12"));
  expect(reads).toEqual([]);
});

it("names the conversation in the browser notification of one that arrives in the background", async () => {
  const shown: string[] = [];
  vi.stubGlobal(
    "Notification",
    class {
      static permission = "granted";
      constructor(title: string) {
        shown.push(title);
      }
    },
  );
  const hidden = vi.spyOn(document, "hidden", "get").mockReturnValue(true);
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  renderHeader(qc);
  await waitFor(() => expect(screen.getByTestId("bell").textContent).toContain("2"));
  notes = [{ id: 3, kind: "assignment", conversation_id: 13, event_id: 30, created_at: "2026-03-02T09:03:00Z" }, ...notes];
  await qc.invalidateQueries();
  await waitFor(() => expect(shown.join("|")).toBe("Conversation #13 was assigned to you"));
  hidden.mockRestore();
});

it("chimes for one that arrives when this browser asked for it, not for those already there, once whatever its tabs", async () => {
  const chimes: number[] = [];
  vi.stubGlobal(
    "AudioContext",
    class {
      currentTime = 0;
      destination = {};
      createOscillator() {
        return { frequency: {}, connect: (g: unknown) => g, start: () => {}, stop: () => {} };
      }
      createGain() {
        return { gain: { setValueAtTime: () => {}, exponentialRampToValueAtTime: () => {} }, connect: (d: unknown) => d };
      }
      close() {
        return Promise.resolve();
      }
      constructor() {
        chimes.push(1);
      }
    },
  );
  localStorage.setItem("switchboard.notificationSound", "on");
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  renderHeader(qc);
  await waitFor(() => expect(screen.getByTestId("bell").textContent).toContain("2"));
  expect(chimes).toEqual([]);
  notes = [{ id: 3, kind: "assignment", conversation_id: 13, event_id: 30, created_at: "2026-03-02T09:03:00Z" }, ...notes];
  await qc.invalidateQueries();
  await waitFor(() => expect(chimes).toEqual([1]));
  // Another tab of the browser, told of the same notification, stays quiet.
  cleanup();
  const other = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  renderHeader(other);
  await waitFor(() => expect(screen.getByTestId("bell").textContent).toContain("3"));
  notes = [{ id: 4, kind: "mention", conversation_id: 14, event_id: 40, created_at: "2026-03-02T09:04:00Z" }, ...notes];
  localStorage.setItem("switchboard.notificationSound.last", "4"); // the first tab chimed for it
  await other.invalidateQueries();
  await waitFor(() => expect(screen.getByTestId("bell").textContent).toContain("4"));
  expect(chimes).toEqual([1]);
  localStorage.removeItem("switchboard.notificationSound");
  localStorage.removeItem("switchboard.notificationSound.last");
});

it("closes the bell once a notification is opened", async () => {
  renderHeader();
  fireEvent.click(await screen.findByTestId("bell"));
  fireEvent.click(await screen.findByText("Conversation #11 was assigned to you"));
  await waitFor(() => expect(screen.getByTestId("opened").textContent).toBe("11"));
  await waitFor(() => expect(screen.queryByText("Mark all as read")).toBeNull());
});
