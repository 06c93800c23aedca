// Two filters picked before the first one's navigation renders both reach
// the URL: each change builds on the last one set.
import { afterEach, expect, it } from "vitest";
import { act, cleanup, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, useLocation } from "react-router";
import { useFilters } from "./useFilters";

afterEach(cleanup);

function wrapper({ children }: { children: ReactNode }) {
  return <MemoryRouter initialEntries={["/reports/responses?preset=last7"]}>{children}</MemoryRouter>;
}

it("keeps both of two quick changes", () => {
  const { result } = renderHook(
    () => {
      const [f, set] = useFilters("UTC");
      return { f, set, search: useLocation().search };
    },
    { wrapper },
  );
  act(() => {
    // One act: no render between the two, as when the second pick comes
    // before the first one's navigation has rendered.
    result.current.set({ team_id: "7" });
    result.current.set({ preset: "today" });
  });
  expect(result.current.search).toMatch(/team_id=7/);
  expect(result.current.search).toMatch(/preset=today/);
  expect(result.current.f.team_id).toBe("7");
  expect(result.current.f.preset).toBe("today");
});

it("follows the URL when it changes otherwise", () => {
  const { result } = renderHook(
    () => {
      const [f, set] = useFilters("UTC");
      return { f, set };
    },
    { wrapper },
  );
  act(() => result.current.set({ team_id: "7" }));
  act(() => result.current.set({ team_id: undefined }));
  act(() => result.current.set({ compare: true }));
  expect(result.current.f.team_id).toBeUndefined();
  expect(result.current.f.compare).toBe(true);
});
