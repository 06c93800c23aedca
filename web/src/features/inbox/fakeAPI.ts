// A fake of the API the inbox page reads, for its page tests: fetch
// answers each path from the routes a test gives (data as the server
// answers it), keeps the saved views, and records the one a test saves.
// Anything else is an empty page.
import { vi } from "vitest";

export const page = (data: unknown[]) => ({ data, next_cursor: "" });

export function respond(body: unknown, status = 200) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
}

/** FakeInbox is what the fake holds: the saved views, and the view a test posted. */
export interface FakeInbox {
  views: unknown[];
  posted: { name: string; filter: Record<string, unknown> } | null;
}

/** fakeInboxAPI stubs fetch with routes (path → the answer's body, or an answer). */
export function fakeInboxAPI(routes: Record<string, unknown | (() => Promise<Response>)>): FakeInbox {
  const fake: FakeInbox = { views: [], posted: null };
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init?: RequestInit) => {
      const path = url.split("?")[0]!;
      if (path === "/api/v1/me/views") {
        if (init?.method === "POST") {
          fake.posted = JSON.parse(String(init.body));
          const v = { id: 9, name: fake.posted!.name, filter: fake.posted!.filter };
          fake.views = [...fake.views, v];
          return respond(v, 201);
        }
        return respond(page(fake.views));
      }
      const route = routes[path];
      if (typeof route === "function") return (route as () => Promise<Response>)();
      return respond(route ?? page([]));
    }),
  );
  return fake;
}
