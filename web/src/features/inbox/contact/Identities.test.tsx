// A merged contact with two numbers on one WhatsApp line: the contact
// panel marks the one this conversation's replies go to, as the server
// picks it (the identity the contact last wrote from, else the newest).
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import { Identities, replyIdentity } from "./Identities";
import type { Conversation } from "../../../lib/types";

const identity = (id: number, channel_id: number, external_id: string) => ({ id, channel_id, external_id, created_at: "2026-01-01T00:00:00Z" });
const work = identity(1, 7, "+15550001");
const own = identity(2, 7, "+15550002");
const mail = identity(3, 9, "ada@example.com");

describe("replyIdentity", () => {
  it.each([
    { name: "one identity on the channel needs no mark", ids: [work, mail], conv: { channel_id: 7, contact_external_id: "+15550001" }, want: undefined },
    { name: "the one the contact last wrote from", ids: [work, own, mail], conv: { channel_id: 7, contact_external_id: "+15550001" }, want: 1 },
    { name: "the newest when no contact message reached the conversation", ids: [work, own], conv: { channel_id: 7, contact_external_id: "" }, want: 2 },
    { name: "the newest when the one written from is no longer theirs", ids: [work, own], conv: { channel_id: 7, contact_external_id: "+15559999" }, want: 2 },
    { name: "none for a conversation without a channel", ids: [work, own], conv: { channel_id: undefined, contact_external_id: "" }, want: undefined },
    { name: "none before the conversation is read", ids: [work, own], conv: undefined, want: undefined },
  ])("$name", ({ ids, conv, want }) => {
    expect(replyIdentity(ids, conv)).toBe(want);
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

it("marks the identity replies go to, with the channel's name", async () => {
  vi.stubGlobal(
    "fetch",
    vi.fn(() =>
      Promise.resolve(
        new Response(JSON.stringify({ data: [{ id: 7, name: "WhatsApp Sales", type: "whatsapp" }], next_cursor: "" }), {
          status: 200,
          headers: { "Content-Type": "application/json" },
        }),
      ),
    ),
  );
  const conv = { id: 4, channel_id: 7, contact_external_id: "+15550001" } as Conversation;
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Identities identities={[work, own, mail]} conversation={conv} />
    </QueryClientProvider>,
  );
  await screen.findAllByText("WhatsApp Sales");
  const marked = screen.getByTestId("reply-identity");
  expect(marked.textContent).toContain("+15550001");
  expect(within(marked).getByText("Replies go here")).toBeTruthy();
  expect(screen.getAllByText("Replies go here")).toHaveLength(1);
  expect(screen.getByText("#9")).toBeTruthy(); // a channel the list does not name
});
