// LiveProvider opens the tab's socket while signed in and turns each event
// into cache updates (keysFor), a gap into a re-fetch of the conversation,
// and typing notices into state the conversation view reads.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useQueryClient, type Query } from "@tanstack/react-query";
import { LiveSocket, type TypingNotice } from "./live";
import { keysFor, type Key } from "./eventKeys";
import { qk } from "./queryKeys";
import type { LogEvent } from "./types";

interface LiveAPI {
  connected: boolean;
  /** Users replying now, per conversation (never this person). */
  typing: Map<number, Set<number>>;
  sendTyping(conversationID: number, state: "start" | "stop"): void;
  /** subscribe hears every event, after the cache was told. */
  subscribe(fn: (e: LogEvent) => void): () => void;
}

const LiveContext = createContext<LiveAPI | null>(null);

/** invalidateBatchMs gathers a burst of events' keys before refetching. */
const invalidateBatchMs = 25;

/**
 * typingTTL is how long a "start" typing notice holds without being
 * renewed (a composer renews it every few seconds while its person types,
 * as the widget does). The server never sends the "stop" of a socket that
 * went away: a tab closed, a visitor who left the page, must not show as
 * replying forever. The widget forgets the team's notices after as long.
 */
const typingTTL = 8000;

export function LiveProvider({ children, onSignedOut }: { children: ReactNode; onSignedOut: () => void }) {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  const [typing, setTyping] = useState(new Map<number, Set<number>>());
  const listeners = useRef(new Set<(e: LogEvent) => void>());
  const socket = useRef<LiveSocket | null>(null);
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;

  useEffect(() => {
    // A burst of events (a workflow's steps, a webhook's batch) touches the
    // same keys many times: they are gathered for a few milliseconds and
    // each is invalidated once, so a list is fetched once per burst, not
    // once per event with each fetch cancelling the last.
    const pending = new Map<string, Key>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
    const setTypist = (conversationID: number, userID: number, on: boolean) =>
      setTyping((prev) => {
        const next = new Map(prev);
        const set = new Set(next.get(conversationID) ?? []);
        if (on) set.add(userID);
        else set.delete(userID);
        next.set(conversationID, set);
        return next;
      });
    // A query whose meta says it is followed (the open conversation's
    // messages, comments and timeline events: their hooks apply each
    // event, reading only what changed)
    // is left to its follower while shown; read again from here it would
    // read every page loaded. Not shown, it is marked stale as any other.
    const followed = (q: Query) => q.meta?.followed === true && q.getObserversCount() > 0;
    const flush = () => {
      timer = null;
      const keys = [...pending.values()];
      pending.clear();
      for (const key of keys) void qc.invalidateQueries({ queryKey: key, predicate: (q) => !followed(q) });
    };
    const s = new LiveSocket({
      onEvent(e) {
        for (const key of keysFor(e)) pending.set(JSON.stringify(key), key);
        timer ??= setTimeout(flush, invalidateBatchMs);
        for (const fn of listeners.current) fn(e);
      },
      onGap(id) {
        void qc.invalidateQueries({ queryKey: qk.conversation(id) });
      },
      onTyping(t: TypingNotice) {
        const key = `${t.conversation_id}:${t.user_id}`;
        clearTimeout(typingTimers.get(key));
        typingTimers.delete(key);
        if (t.state === "start") {
          typingTimers.set(
            key,
            setTimeout(() => {
              typingTimers.delete(key);
              setTypist(t.conversation_id, t.user_id, false);
            }, typingTTL),
          );
        }
        setTypist(t.conversation_id, t.user_id, t.state === "start");
      },
      onStatus(up, fromHead) {
        setConnected(up);
        // Open at the log's head (the first open, or a reconnect before
        // the server ever said where the socket started): it streams what
        // happens from now on, but the pages fetched (or in flight) may
        // have been read before, and a message that came in between would
        // be on neither until the next event or a reload. They are read
        // again — those whose first read is still on its way too, after it.
        if (up && fromHead) void qc.invalidateQueries();
        // Down: the stops sent meanwhile are lost (notices are not replayed).
        if (!up) {
          for (const t of typingTimers.values()) clearTimeout(t);
          typingTimers.clear();
          setTyping((prev) => (prev.size ? new Map() : prev));
        }
        // Back after a drop: what the socket missed is replayed from the
        // cursor, but lists built from a page fetched meanwhile are redone.
        if (up && !fromHead) void qc.invalidateQueries({ queryKey: qk.counts });
      },
      onSignedOut() {
        signedOut.current();
      },
    });
    socket.current = s;
    s.start();
    return () => {
      s.stop();
      if (timer) clearTimeout(timer);
      for (const t of typingTimers.values()) clearTimeout(t);
    };
  }, [qc]);

  // subscribe and sendTyping stay the same functions for the provider's
  // life: a hook that subscribes in an effect depending on them is not
  // unsubscribed (and its pending timers dropped) at every typing notice.
  const subscribe = useCallback((fn: (e: LogEvent) => void) => {
    listeners.current.add(fn);
    return () => {
      listeners.current.delete(fn);
    };
  }, []);
  const sendTyping = useCallback((id: number, state: "start" | "stop") => socket.current?.typing(id, state), []);
  const value = useMemo<LiveAPI>(() => ({ connected, typing, sendTyping, subscribe }), [connected, typing, sendTyping, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveAPI {
  const l = useContext(LiveContext);
  if (!l) throw new Error("useLive outside LiveProvider");
  return l;
}
