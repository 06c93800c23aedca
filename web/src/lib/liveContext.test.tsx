// The live provider: typing notices are hints the server never stores nor
// ends for a socket that goes away, so a "start" whose "stop" never comes
// (the other tab closed, the visitor left the page, this socket was down
// when it was sent) must not show "… is replying" forever; and what the
// socket hears reaches the pages read before it, or still being read.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { useEffect, type ReactNode } from "react";
import { act, cleanup, render, screen } from "@testing-library/react";
import { QueryClientProvider, useQuery } from "@tanstack/react-query";
import { LiveProvider, useLive } from "./liveContext";
import { AppQueryClient } from "./queryClient";
import { FakeWebSocket } from "./fakeWebSocket";

const realWS = globalThis.WebSocket;
beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.all = [];
  (globalThis as unknown as { WebSocket: unknown }).WebSocket = FakeWebSocket;
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  (globalThis as unknown as { WebSocket: unknown }).WebSocket = realWS;
});

function Probe() {
  const { typing } = useLive();
  return <p data-testid="typing">{[...(typing.get(4) ?? [])].join(",")}</p>;
}

/** Subscriber subscribes in an effect on subscribe, as the runs list and the reports do. */
function Subscriber({ onSubscribe }: { onSubscribe: () => void }) {
  const { subscribe } = useLive();
  useEffect(() => {
    onSubscribe();
    return subscribe(() => {});
  }, [subscribe, onSubscribe]);
  return null;
}

/** live is the app's providers around children: a query client and the live provider. */
function live(children: ReactNode, client = new AppQueryClient()) {
  return (
    <QueryClientProvider client={client}>
      <LiveProvider onSignedOut={() => {}}>{children}</LiveProvider>
    </QueryClientProvider>
  );
}

/** lastSocket is the socket the provider opened last. */
const lastSocket = () => FakeWebSocket.all[FakeWebSocket.all.length - 1]!;

function mount(onSubscribe: () => void = () => {}) {
  render(
    live(
      <>
        <Probe />
        <Subscriber onSubscribe={onSubscribe} />
      </>,
    ),
  );
  const ws = lastSocket();
  act(() => ws.open());
  return ws;
}

const shown = () => screen.getByTestId("typing").textContent;

it("forgets a typing notice that is not renewed, and keeps one that is", () => {
  const ws = mount();
  act(() => ws.deliver({ type: "typing", conversation_id: 4, user_id: 7, state: "start" }));
  act(() => ws.deliver({ type: "typing", conversation_id: 4, user_id: 0, state: "start" }));
  expect(shown()).toBe("7,0");
  // User 7 goes on typing (the composer renews its notice); the visitor's page closed.
  act(() => vi.advanceTimersByTime(5_000));
  act(() => ws.deliver({ type: "typing", conversation_id: 4, user_id: 7, state: "start" }));
  act(() => vi.advanceTimersByTime(5_000));
  expect(shown()).toBe("7");
  act(() => vi.advanceTimersByTime(5_000));
  expect(shown()).toBe("");
});

it("forgets every typing notice when the socket drops (a stop may be sent meanwhile)", () => {
  const ws = mount();
  act(() => ws.deliver({ type: "typing", conversation_id: 4, user_id: 7, state: "start" }));
  expect(shown()).toBe("7");
  act(() => ws.close(1006));
  expect(shown()).toBe("");
});

it("keeps a subscriber subscribed across typing notices (its pending timers were dropped at each)", () => {
  const onSubscribe = vi.fn();
  const ws = mount(onSubscribe);
  act(() => ws.deliver({ type: "typing", conversation_id: 4, user_id: 7, state: "start" }));
  act(() => ws.deliver({ type: "typing", conversation_id: 4, user_id: 7, state: "stop" }));
  expect(shown()).toBe("");
  expect(onSubscribe).toHaveBeenCalledTimes(1);
});

/** Reads counts how often the app read its page. */
function Reader({ reads }: { reads: { n: number } }) {
  useQuery({ queryKey: ["conversations", "list"], queryFn: () => ++reads.n });
  return null;
}

/** withReader shows a page that counts its reads, and returns the count and the socket. */
async function withReader() {
  const reads = { n: 0 };
  render(live(<Reader reads={reads} />));
  await act(async () => {});
  return { reads, ws: lastSocket() };
}

/** dropped drops ws and returns the socket that replaces it, not yet open. */
async function dropped(ws: FakeWebSocket) {
  act(() => ws.close(1006));
  await act(async () => vi.advanceTimersByTime(20_000));
  const again = lastSocket();
  expect(again).not.toBe(ws);
  return again;
}

it("reads the pages fetched before the socket's first open again, once: not after a reconnect", async () => {
  const { reads, ws } = await withReader();
  expect(reads.n).toBe(1);
  // A message came in here, before the socket opened: on neither.
  await act(async () => ws.open());
  expect(reads.n).toBe(2);
  // A drop and a reconnect: the socket replays from its cursor.
  act(() => ws.deliver({ type: "hello", cursor: 3 }));
  const again = await dropped(ws);
  expect(again.url).toContain("after=3");
  await act(async () => again.open());
  expect(reads.n).toBe(2);
});

it("reads the pages again when the socket reconnects before it ever had a cursor", async () => {
  const { reads, ws } = await withReader();
  await act(async () => ws.open());
  expect(reads.n).toBe(2);
  // Dropped before the server's hello: the next socket starts at the
  // log's head again, and what came between the two is on no page.
  const again = await dropped(ws);
  expect(again.url).not.toContain("after=");
  await act(async () => again.open());
  expect(reads.n).toBe(3);
});

/**
 * Server answers reads when the test says: each read sees the rows as they
 * were when it was asked, as a request the server read before a commit.
 */
class Server {
  rows = 0;
  reads = 0;
  private waiting: (() => void)[] = [];
  read = () => {
    this.reads++;
    const rows = this.rows;
    return new Promise<number>((resolve) => this.waiting.push(() => resolve(rows)));
  };
  /** answer answers every read asked so far; the page shows what they read. */
  async answer() {
    const w = this.waiting.splice(0);
    await act(async () => w.forEach((f) => f()));
    // TanStack Query tells the page on a timer (notifyManager).
    await act(async () => vi.advanceTimersByTime(1));
  }
}

function Lister({ server }: { server: Server }) {
  const q = useQuery({ queryKey: ["conversations", "list"], queryFn: server.read });
  return <p data-testid="rows">{q.data ?? "loading"}</p>;
}

const rows = () => screen.getByTestId("rows").textContent;

it("reads a list again when the socket first opened during its first read", async () => {
  const server = new Server();
  render(live(<Lister server={server} />));
  expect(server.reads).toBe(1);
  // A contact's first message commits after the list was read and before
  // the socket's cursor: no event brings it; the first open must.
  server.rows = 1;
  const ws = lastSocket();
  await act(async () => ws.open());
  await server.answer();
  expect(server.reads).toBe(2);
  await server.answer();
  expect(rows()).toBe("1");
});

it("reads a list again when an event came during its first read, once for a burst", async () => {
  const server = new Server();
  const client = new AppQueryClient();
  const app = (list: boolean) => live(list && <Lister server={server} />, client);
  const { rerender } = render(app(false));
  const ws = lastSocket();
  await act(async () => ws.open());
  // The inbox opens: its first read is on its way when the message commits.
  rerender(app(true));
  expect(server.reads).toBe(1);
  server.rows = 1;
  await act(async () => {
    ws.deliver({ type: "event", event: { id: 5, type: "conversation.opened", conversation_id: 1, contact_id: 2, seq: 1 } });
    vi.advanceTimersByTime(50);
    ws.deliver({ type: "event", event: { id: 6, type: "message.received", conversation_id: 1, contact_id: 2, seq: 2 } });
    vi.advanceTimersByTime(50);
  });
  await server.answer();
  expect(rows()).toBe("0");
  expect(server.reads).toBe(2);
  await server.answer();
  expect(rows()).toBe("1");
  expect(server.reads).toBe(2);
});
