// The search box's messages and internal notes: the view's conversations
// whatever their status, the words found marked, a hit handed to onOpen,
// more pages on asking; a note says whose it is.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { SessionProvider, useSession } from "../../../lib/session";
import type { CommentHit, MessageHit } from "../../../lib/types";
import { json } from "../../../test/http";
import { SearchResults, searchParams } from "./SearchResults";

let urls: URL[];

const hit = (id: number, status = "open"): MessageHit => ({
  message: {
    id, workspace_id: 1, conversation_id: 100 + id, contact_id: 7, channel_id: 1, direction: "in", sender: "contact", type: "text",
    text: `where is my delivery ${id}`, content: null, status: "received", created_at: new Date().toISOString(),
  },
  contact_name: `Contact ${id}`,
  conversation_status: status as MessageHit["conversation_status"],
  snippet: [{ text: "where is my " }, { text: "delivery", match: true }, { text: ` ${id}` }],
});

const note = (id: number, author: number): CommentHit => ({
  comment: { id, conversation_id: 200 + id, user_id: author, text: `refund approved ${id}`, mentions: [], created_at: new Date().toISOString() },
  contact_id: 7,
  contact_name: `Contact ${id}`,
  channel_id: 1,
  conversation_status: "open",
  snippet: [{ text: "refund", match: true }, { text: ` approved ${id}` }],
});

/** mine is a reply Mo (user 2, signed in) sent. */
const mine = (id: number): MessageHit => {
  const h = hit(id);
  return { ...h, message: { ...h.message, direction: "out", sender: "user", sender_user_id: 2 } };
};

beforeEach(() => {
  urls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string) => {
      const u = new URL(url, "http://app.test");
      if (u.pathname === "/api/v1/me")
        return json(200, { role: "agent", workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 2, name: "Mo", team_ids: [] } });
      if (u.pathname === "/api/v1/auth/csrf") return json(200, { csrf_token: "t" });
      if (u.pathname === "/api/v1/comments/search") {
        urls.push(u);
        return json(200, { data: [note(9, 5), note(8, 2)], next_cursor: "" });
      }
      if (u.pathname === "/api/v1/users") return json(200, { data: [{ id: 5, name: "Ana Lima", role: "agent" }], next_cursor: "" });
      if (u.pathname === "/api/v1/messages/search") {
        urls.push(u);
        return u.searchParams.get("cursor")
          ? json(200, { data: [hit(1)], next_cursor: "" })
          : json(200, { data: [hit(3), hit(2, "closed"), mine(4)], next_cursor: "c2" });
      }
      return json(200, { data: [{ id: 1, type: "custom", name: "Site" }], next_cursor: "" });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Signed({ children }: { children: React.ReactNode }) {
  return useSession().state.status === "signed-in" ? <>{children}</> : null;
}

function mount(q: string, onOpen = vi.fn(), kind: "messages" | "notes" = "messages") {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <SessionProvider>
        <Signed>
          <SearchResults filter={{ team_id: 4, status: "open", sort: "waiting", q: "ada", last_incoming_within: 3600 }} q={q} kind={kind} open={{ kind: "message", id: 2 }} onOpen={onOpen} />
        </Signed>
      </SessionProvider>
    </QueryClientProvider>,
  );
  return onOpen;
}

it("searches the view's conversations, any status and time, by the box's words", () => {
  expect(searchParams({ team_id: 4, status: "closed", sort: "oldest", q: "ada", last_incoming_older_than: 60, tag: "vip" }, "deliv"))
    .toEqual({ team_id: 4, tag: "vip", q: "deliv" });
});

it("lists the hits newest first with the words found marked, hands one to onOpen, and reads more on asking", async () => {
  const onOpen = mount("deliv");
  const hits = await screen.findAllByTestId("message-hit");
  expect(hits.map((h) => h.getAttribute("data-message-id"))).toEqual(["3", "2", "4"]);
  expect(hits[2]!.textContent).toContain("You: where is my delivery"); // who sent a reply, as the list's rows say
  expect(urls[0]!.searchParams.get("q")).toBe("deliv");
  expect(urls[0]!.searchParams.get("team_id")).toBe("4");
  expect(urls[0]!.searchParams.has("status")).toBe(false);
  expect(hits[0]!.querySelector("mark")!.textContent).toBe("delivery");
  expect(hits[1]!.textContent).toContain("Closed");
  expect(hits[1]!.getAttribute("aria-current")).toBe("true"); // the one open in the pane
  fireEvent.click(hits[0]!);
  expect(onOpen).toHaveBeenCalledWith({ conversationID: 103, focus: { kind: "message", id: 3 } });
  fireEvent.click(screen.getByRole("button", { name: "More messages" }));
  await waitFor(() => expect(screen.getAllByTestId("message-hit")).toHaveLength(4));
  expect(urls[1]!.searchParams.get("cursor")).toBe("c2");
});

it("asks for words before searching, and says when nothing holds them", async () => {
  mount("");
  expect(await screen.findByText("Type the words to find in messages.")).toBeTruthy();
  expect(urls).toHaveLength(0);
  cleanup();
  const answer = globalThis.fetch as unknown as (url: string) => Promise<Response>;
  vi.stubGlobal("fetch", vi.fn((url: string) => (url.startsWith("/api/v1/messages/search") ? json(200, { data: [], next_cursor: "" }) : answer(url))));
  mount("zebra");
  expect(await screen.findByText("No message holds “zebra”.")).toBeTruthy();
});

it("finds internal notes, each with whose it is, and opens one at the note", async () => {
  const onOpen = mount("refund", vi.fn(), "notes");
  const hits = await screen.findAllByTestId("note-hit");
  expect(hits.map((h) => h.getAttribute("data-comment-id"))).toEqual(["9", "8"]);
  await waitFor(() => expect(hits[0]!.textContent).toContain("Note by Ana Lima: refund approved 9"));
  expect(hits[1]!.textContent).toContain("Note by you: refund approved 8");
  expect(urls[0]!.pathname).toBe("/api/v1/comments/search");
  expect(hits[0]!.getAttribute("aria-current")).toBeNull(); // message 2 is open, not a note
  fireEvent.click(hits[1]!);
  expect(onOpen).toHaveBeenCalledWith({ conversationID: 208, focus: { kind: "comment", id: 8 } });
});
