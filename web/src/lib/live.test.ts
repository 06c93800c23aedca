import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveSocket, SeqTracker, reconnectDelay, type LiveHandlers } from "./live";
import type { LogEvent } from "./types";
import { FakeWebSocket } from "./fakeWebSocket";

describe("SeqTracker", () => {
  it("says ok for the next seq, gap for a jump, dup for a repeat", () => {
    const s = new SeqTracker();
    expect(s.see(1, 5)).toBe("ok"); // an unknown conversation starts anywhere
    expect(s.see(1, 6)).toBe("ok");
    expect(s.see(1, 6)).toBe("dup");
    expect(s.see(1, 3)).toBe("dup");
    expect(s.see(1, 9)).toBe("gap");
    expect(s.see(1, 10)).toBe("ok");
    expect(s.see(2, 1)).toBe("ok"); // conversations are independent
  });
  it("known moves a conversation forward, never back", () => {
    const s = new SeqTracker();
    s.known(1, 10);
    expect(s.see(1, 10)).toBe("dup");
    expect(s.see(1, 11)).toBe("ok");
    s.known(1, 4);
    expect(s.see(1, 12)).toBe("ok");
  });
});

describe("reconnectDelay", () => {
  it("starts near half a second and never passes 15 s", () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const base = Math.min(15000, 500 * 2 ** attempt);
      expect(reconnectDelay(attempt, () => 0)).toBe(base / 2);
      expect(reconnectDelay(attempt, () => 1)).toBe(base);
      const d = reconnectDelay(attempt);
      expect(d).toBeGreaterThanOrEqual(base / 2);
      expect(d).toBeLessThanOrEqual(15000);
    }
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(100, () => 1)).toBe(15000);
  });
});


function event(id: number, conversation_id: number, seq: number): LogEvent {
  return { id, conversation_id, seq, type: "message.received" } as unknown as LogEvent;
}

describe("LiveSocket", () => {
  let handlers: LiveHandlers & { [k: string]: ReturnType<typeof vi.fn> };
  const realWS = globalThis.WebSocket;

  beforeEach(() => {
    vi.useFakeTimers();
    FakeWebSocket.all = [];
    (globalThis as unknown as { WebSocket: unknown }).WebSocket = FakeWebSocket;
    handlers = {
      onEvent: vi.fn(),
      onGap: vi.fn(),
      onTyping: vi.fn(),
      onStatus: vi.fn(),
      onSignedOut: vi.fn(),
    };
  });
  afterEach(() => {
    vi.useRealTimers();
    (globalThis as unknown as { WebSocket: unknown }).WebSocket = realWS;
  });

  const last = () => FakeWebSocket.all[FakeWebSocket.all.length - 1]!;

  it("takes the cursor from hello and reconnects after it", () => {
    const s = new LiveSocket(handlers, "ws://x/api/v1/live");
    s.start();
    expect(last().url).toBe("ws://x/api/v1/live");
    last().open();
    expect(handlers.onStatus).toHaveBeenLastCalledWith(true, true); // from the log's head
    last().deliver({ type: "hello", cursor: 41 });
    last().drop(1006);
    expect(handlers.onStatus).toHaveBeenLastCalledWith(false, false);
    expect(FakeWebSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(15000);
    expect(FakeWebSocket.all).toHaveLength(2);
    expect(last().url).toBe("ws://x/api/v1/live?after=41");
    last().open();
    expect(handlers.onStatus).toHaveBeenLastCalledWith(true, false); // from its cursor
    s.stop();
  });

  it("moves the cursor with each event and resumes from the newest", () => {
    const s = new LiveSocket(handlers, "ws://x/api/v1/live?v=1");
    s.start();
    last().open();
    last().deliver({ type: "hello", cursor: 1 });
    last().deliver({ type: "event", event: event(7, 3, 1) });
    last().deliver({ type: "event", event: event(8, 3, 2) });
    expect(handlers.onEvent).toHaveBeenCalledTimes(2);
    last().drop(1001);
    vi.advanceTimersByTime(15000);
    expect(last().url).toBe("ws://x/api/v1/live?v=1&after=8");
    // A second hello on the new socket does not rewind the cursor.
    last().open();
    last().deliver({ type: "hello", cursor: 8 });
    s.stop();
  });

  it("reports a seq gap and still delivers the event", () => {
    const s = new LiveSocket(handlers, "ws://x/live");
    s.start();
    last().open();
    last().deliver({ type: "event", event: event(1, 5, 1) });
    last().deliver({ type: "event", event: event(2, 5, 4) });
    expect(handlers.onGap).toHaveBeenCalledTimes(1);
    expect(handlers.onGap).toHaveBeenCalledWith(5);
    expect(handlers.onEvent).toHaveBeenCalledTimes(2);
    s.stop();
  });

  it("drops a duplicate", () => {
    const s = new LiveSocket(handlers, "ws://x/live");
    s.start();
    last().open();
    last().deliver({ type: "event", event: event(1, 5, 1) });
    last().deliver({ type: "event", event: event(1, 5, 1) });
    expect(handlers.onEvent).toHaveBeenCalledTimes(1);
    expect(handlers.onGap).not.toHaveBeenCalled();
    s.stop();
  });

  it("passes typing notices on and ignores frames that are not JSON", () => {
    const s = new LiveSocket(handlers, "ws://x/live");
    s.start();
    last().open();
    last().onmessage?.({ data: "not json" });
    last().deliver({ type: "typing", conversation_id: 4, user_id: 2, state: "start" });
    expect(handlers.onTyping).toHaveBeenCalledWith({ type: "typing", conversation_id: 4, user_id: 2, state: "start" });
    s.typing(4, "stop");
    expect(JSON.parse(last().sent[0]!)).toEqual({ type: "typing", conversation_id: 4, state: "stop" });
    s.stop();
  });

  it("on 4401 asks for the session again, and is stopped when it ended", () => {
    const s = new LiveSocket(handlers, "ws://x/live");
    s.start();
    last().open();
    last().drop(4401);
    expect(handlers.onSignedOut).toHaveBeenCalledTimes(1);
    s.stop(); // the app, signed out, unmounts the socket
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it("on 4401 comes back when the session goes on (signed in again in another tab)", () => {
    const s = new LiveSocket(handlers, "ws://x/live");
    s.start();
    last().open();
    last().deliver({ type: "hello", cursor: 12 });
    last().drop(4401);
    expect(handlers.onSignedOut).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(15_000);
    expect(FakeWebSocket.all).toHaveLength(2);
    expect(last().url).toBe("ws://x/live?after=12");
    s.stop();
  });

  it("after stop does not reconnect", () => {
    const s = new LiveSocket(handlers, "ws://x/live");
    s.start();
    last().open();
    s.stop();
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it("backs off longer after each failed attempt and resets once open", () => {
    vi.spyOn(Math, "random").mockReturnValue(1);
    const s = new LiveSocket(handlers, "ws://x/live");
    s.start();
    last().drop(1006); // attempt 0: 500 ms
    vi.advanceTimersByTime(499);
    expect(FakeWebSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.all).toHaveLength(2);
    last().drop(1006); // attempt 1: 1000 ms
    vi.advanceTimersByTime(999);
    expect(FakeWebSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.all).toHaveLength(3);
    last().open(); // resets
    last().drop(1006);
    vi.advanceTimersByTime(500);
    expect(FakeWebSocket.all).toHaveLength(4);
    s.stop();
    vi.restoreAllMocks();
  });
});
