// Typing notices are hints the server never stores nor ends for a socket
// that goes away: a "start" whose "stop" never comes (the other tab closed,
// the visitor left the page, this socket was down when it was sent) must
// not show "… is replying" forever.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { useEffect } from "react";
import { act, cleanup, render, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { LiveProvider, useLive } from "./liveContext";
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

function mount(onSubscribe: () => void = () => {}) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <LiveProvider onSignedOut={() => {}}>
        <Probe />
        <Subscriber onSubscribe={onSubscribe} />
      </LiveProvider>
    </QueryClientProvider>,
  );
  const ws = FakeWebSocket.all[FakeWebSocket.all.length - 1]!;
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

it("reads the pages fetched before the socket's first open again, once: not after a reconnect", async () => {
  const reads = { n: 0 };
  render(
    <QueryClientProvider client={new QueryClient()}>
      <LiveProvider onSignedOut={() => {}}>
        <Reader reads={reads} />
      </LiveProvider>
    </QueryClientProvider>,
  );
  await act(async () => {});
  expect(reads.n).toBe(1);
  // A message came in here, before the socket opened: on neither.
  const ws = FakeWebSocket.all[FakeWebSocket.all.length - 1]!;
  await act(async () => ws.open());
  expect(reads.n).toBe(2);
  // A drop and a reconnect: the socket replays from its cursor.
  act(() => ws.close(1006));
  await act(async () => vi.advanceTimersByTime(20_000));
  const again = FakeWebSocket.all[FakeWebSocket.all.length - 1]!;
  expect(again).not.toBe(ws);
  await act(async () => again.open());
  expect(reads.n).toBe(2);
});
