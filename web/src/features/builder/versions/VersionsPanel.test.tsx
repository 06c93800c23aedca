import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import type { Workflow } from "../../../lib/types";
import type { Definition } from "../model/graph";

vi.mock("../../../lib/session", () => ({ useMe: () => ({ workspace: { timezone: "UTC" } }) }));
const { VersionsPanel } = await import("./VersionsPanel");

const v1: Definition = {
  name: "Follow-up",
  trigger: { type: "manual" },
  steps: [
    { id: "pause", type: "wait", settings: { seconds: 3600 }, exits: { next: "hello" } },
    { id: "hello", type: "send_message", settings: { text: "Hello from v1" } },
  ],
};
const v2: Definition = {
  ...v1,
  steps: [v1.steps[0]!, { id: "hello", type: "send_message", settings: { text: "Hello from v2" } }],
};
const draft: Definition = {
  ...v2,
  steps: [
    v2.steps[0]!,
    { id: "hello", type: "send_message", settings: { text: "Hello again" }, exits: { next: "bye" } },
    { id: "bye", type: "close_conversation" },
  ],
};
const workflow = { id: 3, name: "Follow-up", active: true, published_version: 2, published: v2, draft } as unknown as Workflow;

const versions = [
  { version: 2, published_at: "2026-03-02T09:00:00Z", published_by: { id: 7, name: "Ada Lovelace" }, published: true, runs: 4, waiting: 1 },
  { version: 1, published_at: "2026-03-01T09:00:00Z", published_by: null, published: false, runs: 12, waiting: 0 },
];

function answer(body: unknown, status = 200) {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount(props: Partial<Parameters<typeof VersionsPanel>[0]> = {}, put?: (init: RequestInit) => Promise<Response>) {
  const onCompare = vi.fn();
  const fetchMock = vi.fn((url: string, init?: RequestInit) => {
    const u = String(url);
    if (init?.method === "PUT") return put ? put(init) : answer({ ...workflow, draft: JSON.parse(String(init.body)) });
    if (u.includes("/versions/1")) return answer({ ...versions[1], definition: v1 });
    if (u.includes("/versions/2")) return answer({ ...versions[0], definition: v2 });
    return answer({ data: versions, next_cursor: "" });
  });
  vi.stubGlobal("fetch", fetchMock);
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <VersionsPanel workflowID={3} workflow={workflow} draft={draft} onCompare={onCompare} {...props} />
    </QueryClientProvider>,
  );
  return { onCompare, fetchMock };
}

describe("VersionsPanel", () => {
  it("lists the draft and the versions with their runs, the published one running", async () => {
    mount({ draft: { ...draft, name: "Follow-up (edited)" } });
    const rows = await screen.findAllByTestId("version-row");
    expect(rows.map((r) => r.getAttribute("data-version"))).toEqual(["2", "1"]);
    expect(rows[0]!.textContent).toContain("4 runs · 1 waiting now");
    expect(within(rows[0]!).getByTestId("version-badge").textContent).toBe("running");
    expect(within(rows[1]!).queryByTestId("version-badge")).toBeNull();
    expect(rows[1]!.textContent).toContain("12 runs");
    // Who published: named when known, nothing said otherwise.
    expect(within(rows[0]!).getByTestId("version-published").textContent).toContain("by Ada Lovelace");
    expect(within(rows[1]!).getByTestId("version-published").textContent).not.toContain("by");
    // The canvas differs from the saved draft: unsaved changes.
    expect(screen.getByTestId("version-unsaved")).toBeTruthy();
    expect(screen.getByTestId("version-draft").textContent).toContain("3 differences from version 2");
    // No restore without a canvas to take it.
    expect(screen.queryByTestId("version-restore")).toBeNull();
  });

  it("compares the draft with a version: marks for the canvas, every difference listed, a click focuses a step, closing clears", async () => {
    const onFocusStep = vi.fn();
    const { onCompare } = mount({ onFocusStep });
    const rows = await screen.findAllByTestId("version-row");
    expect(screen.queryByTestId("version-unsaved")).toBeNull();
    fireEvent.click(within(rows[1]!).getByTestId("version-compare"));
    await waitFor(() => expect(onCompare).toHaveBeenCalled());
    const marks = onCompare.mock.calls.at(-1)![0] as Map<string, string>;
    expect([...marks]).toEqual([
      ["hello", "changed"],
      ["bye", "added"],
    ]);
    const panel = screen.getByTestId("version-compare-panel");
    expect(panel.getAttribute("data-version")).toBe("1");
    const changed = within(panel).getAllByTestId("diff-entry").find((e) => e.getAttribute("data-step-id") === "hello")!;
    expect(changed.getAttribute("data-kind")).toBe("changed");
    expect(changed.textContent).toContain("Hello from v1");
    expect(changed.textContent).toContain("Hello again");
    fireEvent.click(within(changed).getByRole("button"));
    expect(onFocusStep).toHaveBeenCalledWith("hello");
    fireEvent.click(screen.getByTestId("version-compare-close"));
    expect(onCompare).toHaveBeenLastCalledWith(null);
    expect(screen.queryByTestId("version-compare-panel")).toBeNull();
  });

  async function confirmRestore(version: number) {
    const rows = await screen.findAllByTestId("version-row");
    fireEvent.click(within(rows.find((r) => r.getAttribute("data-version") === String(version))!).getByTestId("version-restore"));
    const confirm = await screen.findByTestId("version-restore-confirm");
    await waitFor(() => expect((confirm as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(confirm);
  }

  it("restores a version as the draft after confirming, on the revision the canvas is based on", async () => {
    const onRestore = vi.fn();
    const { fetchMock } = mount({ onRestore, revision: 5 });
    await confirmRestore(1);
    // With the workflow the save answered: the canvas's next save is on its draft revision.
    await waitFor(() => expect(onRestore).toHaveBeenCalledWith(v1, expect.objectContaining({ draft: v1 })));
    const put = fetchMock.mock.calls.find((c) => c[1]?.method === "PUT")!;
    expect(String(put[0])).toContain("/api/v1/workflows/3");
    expect(JSON.parse(String(put[1]!.body))).toEqual(v1);
    // Not over a draft someone else saved since revision 5.
    expect((put[1]!.headers as Record<string, string>)["If-Match"]).toBe('"5"');
    expect(screen.queryByTestId("version-restore-dialog")).toBeNull();
  });

  it("changes nothing when someone else saved the draft since: the editor is told, the dialog closes", async () => {
    const onRestore = vi.fn();
    const onRestoreRefused = vi.fn();
    const { fetchMock } = mount({ onRestore, onRestoreRefused, revision: 5 }, () =>
      answer({ error: { code: "draft_changed", message: "the draft of workflow 3 changed since revision 5: saved by Mona Manager" } }, 409),
    );
    await confirmRestore(1);
    await waitFor(() => expect(onRestoreRefused).toHaveBeenCalledWith({ version: 1, definition: v1 }));
    expect(onRestore).not.toHaveBeenCalled();
    expect(fetchMock.mock.calls.filter((c) => c[1]?.method === "PUT")).toHaveLength(1);
    await waitFor(() => expect(screen.queryByTestId("version-restore-dialog")).toBeNull());
  });

  it("keeps the dialog open with the reason when a restore fails otherwise", async () => {
    const onRestore = vi.fn();
    const onRestoreRefused = vi.fn();
    mount({ onRestore, onRestoreRefused, revision: 5 }, () => answer({ error: { code: "internal", message: "the database is busy" } }, 500));
    await confirmRestore(1);
    const confirm = screen.getByTestId("version-restore-confirm") as HTMLButtonElement;
    await waitFor(() => expect(confirm.disabled).toBe(false));
    expect(onRestore).not.toHaveBeenCalled();
    expect(onRestoreRefused).not.toHaveBeenCalled();
    expect(screen.getByTestId("version-restore-dialog")).toBeTruthy();
  });

  it("views a version's steps with the users and workflows they name by name, a deleted one said", async () => {
    const old: Definition = {
      name: "Follow-up",
      trigger: { type: "manual" },
      steps: [
        { id: "to_bea", type: "assign_to", settings: { target: "user", user_id: 12 }, exits: { timeout: "survey" } },
        { id: "survey", type: "trigger_workflow", settings: { workflow_id: 42 } },
      ],
    };
    vi.stubGlobal(
      "fetch",
      vi.fn((url: string) => {
        const path = String(url).split("?")[0]!;
        if (path === "/api/v1/users") return answer({ data: [{ id: 12, name: "Bea Billing", email: "bea@acme.test", kind: "human" }] });
        if (path === "/api/v1/workflows") return answer({ data: [{ id: 3, name: "Follow-up", status: "published", trigger_type: "manual" }] });
        if (path.endsWith("/versions/1")) return answer({ ...versions[1], definition: old });
        return answer({ data: versions, next_cursor: "" });
      }),
    );
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <VersionsPanel workflowID={3} workflow={workflow} draft={draft} onCompare={() => {}} />
      </QueryClientProvider>,
    );
    const rows = await screen.findAllByTestId("version-row");
    fireEvent.click(within(rows[1]!).getByTestId("version-view"));
    const steps = await screen.findByTestId("version-view-steps");
    const line = (id: string) => steps.querySelector(`[data-step-id="${id}"]`)!.textContent;
    await waitFor(() => expect(line("to_bea")).toContain("user · Bea Billing"));
    await waitFor(() => expect(line("survey")).toContain("#42 (no longer exists)"));
  });
});
