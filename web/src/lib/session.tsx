// The browser session: who is signed in, through the HttpOnly cookie the
// server set at sign-in. Nothing secret is kept in the page's storage; the
// CSRF token lives in memory and is asked for again after a reload.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, ApiError, onUnauthorized, request, setCSRF } from "./api";
import type { AccountWorkspace, BrowserSession, WhoAmI } from "./types";

type State =
  | { status: "loading" }
  | { status: "signed-out"; expired: boolean }
  | { status: "signed-in"; me: WhoAmI };

export type SignInResult = { ok: true } | { ok: false; workspaces: AccountWorkspace[] };

interface SessionAPI {
  state: State;
  /** signIn opens a session; code is an account's second factor, workspaceID the workspace chosen. */
  signIn(email: string, password: string, opts?: { workspaceID?: number; code?: string }): Promise<SignInResult>;
  /** Ends this session, or with everywhere every session of the person's. */
  signOut(opts?: { everywhere?: boolean }): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionAPI | null>(null);

async function loadMe(): Promise<WhoAmI | null> {
  try {
    const me = await request<WhoAmI>("GET", "/api/v1/me", { quiet401: true });
    const csrf = await request<{ csrf_token: string }>("GET", "/api/v1/auth/csrf", { quiet401: true });
    setCSRF(csrf.csrf_token);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: "loading" });

  const refresh = useCallback(async () => {
    const me = await loadMe();
    setState(me ? { status: "signed-in", me } : { status: "signed-out", expired: false });
  }, []);

  useEffect(() => {
    void refresh().catch(() => setState({ status: "signed-out", expired: false }));
    // A 401 on any request means the session ended (expired, signed out
    // elsewhere): back to sign-in; drafts live in sessionStorage and survive.
    onUnauthorized(() => setState((s) => (s.status === "signed-in" ? { status: "signed-out", expired: true } : s)));
    return () => onUnauthorized(null);
  }, [refresh]);

  const signIn = useCallback(
    async (email: string, password: string, { workspaceID, code }: { workspaceID?: number; code?: string } = {}): Promise<SignInResult> => {
      const out = await request<BrowserSession>("POST", "/api/v1/auth/session", {
        body: { email, password, ...(workspaceID ? { workspace_id: workspaceID } : {}), ...(code ? { code } : {}) },
        quiet401: true,
      });
      if (!out.csrf_token) return { ok: false, workspaces: out.workspaces ?? [] };
      setCSRF(out.csrf_token);
      await refresh();
      return { ok: true };
    },
    [refresh],
  );

  const signOut = useCallback(async ({ everywhere = false }: { everywhere?: boolean } = {}) => {
    // Everywhere: every session of the person's, this one too. Refused,
    // nothing ended: the caller shows why and this browser stays in.
    if (everywhere) await api.post("/api/v1/auth/logout-all");
    try {
      if (!everywhere) await api.post("/api/v1/auth/logout");
    } finally {
      setCSRF("");
      setState({ status: "signed-out", expired: false });
    }
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut, refresh }), [state, signIn, signOut, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionAPI {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}

/** useMe is the signed-in person; only for components under the signed-in shell. */
export function useMe(): WhoAmI {
  const { state } = useSession();
  if (state.status !== "signed-in") throw new Error("useMe while signed out");
  return state.me;
}
