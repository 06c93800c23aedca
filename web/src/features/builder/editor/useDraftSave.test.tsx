// Two managers on one draft: the editor saves and publishes on the revision
// it loaded (or last saved), and a save someone else's landed before is
// shown as a conflict with who made it, then either reloads their version
// or keeps this one, saved on their revision.
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import "../../../lib/i18n";
import { ApiError, api } from "../../../lib/api";
import type { Workflow } from "../../../lib/types";
import type { Definition } from "../model/graph";
import { describeConflict } from "./draftConflict";
import { type PendingEdits, useDraftSave } from "./useDraftSave";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const def = (text: string): Definition => ({
  name: "Welcome",
  trigger: { type: "manual" },
  steps: [{ id: "note", type: "add_comment", settings: { text } }],
});

const workflow = (over: Partial<Workflow>): Workflow =>
  ({ id: 7, workspace_id: 1, name: "Welcome", description: "", active: false, published_version: 0, status: "draft", trigger_type: "manual",
    created_at: "2026-03-02T09:00:00Z", updated_at: "2026-03-02T09:00:00Z", draft_revision: 3, draft_saved_at: "2026-03-02T09:00:00Z",
    draft_saved_by: null, ...over }) as Workflow;

const bob = { id: 42, name: "Bob Builder" };
const changed = () => new ApiError(409, "draft_changed", "the draft of workflow 7 changed since revision 3");

function setup(loaded: Workflow, start: Definition, pending?: PendingEdits) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
  const onReload = vi.fn();
  const hook = renderHook(({ d }) => useDraftSave("7", loaded, d, onReload, pending), { wrapper, initialProps: { d: start } });
  return { ...hook, onReload };
}

/** ifMatchOf is the If-Match a call of api.put or api.post sent. */
const ifMatchOf = (call: unknown[]) => (call[2] as Record<string, string> | undefined)?.["If-Match"];

describe("saving on the draft's revision", () => {
  it("sends the revision it loaded, then the one its save answered", async () => {
    const put = vi.spyOn(api, "put").mockResolvedValueOnce(workflow({ draft_revision: 4 })).mockResolvedValueOnce(workflow({ draft_revision: 5 }));
    const loaded = def("loaded");
    const { result, rerender } = setup(workflow({}), loaded);
    rerender({ d: def("mine") });
    act(() => result.current.save());
    await waitFor(() => expect(result.current.dirty).toBe(false));
    rerender({ d: def("mine again") });
    act(() => result.current.save());
    await waitFor(() => expect(put).toHaveBeenCalledTimes(2));
    expect(put.mock.calls.map(ifMatchOf)).toEqual(['"3"', '"4"']);
  });

  it("publishes the revision its own save answered", async () => {
    vi.spyOn(api, "put").mockResolvedValue(workflow({ draft_revision: 4 }));
    const post = vi.spyOn(api, "post").mockResolvedValue(workflow({ draft_revision: 5, published_version: 1 }));
    const { result, rerender } = setup(workflow({}), def("loaded"));
    rerender({ d: def("mine") });
    act(() => result.current.publish());
    await waitFor(() => expect(post).toHaveBeenCalled());
    expect(post.mock.calls[0]![0]).toBe("/api/v1/workflows/7/publish");
    expect(ifMatchOf(post.mock.calls[0]!)).toBe('"4"');
  });
});

describe("the edits still pending (the drawer's typing)", () => {
  it("make the canvas dirty, and are taken before a save, a publish and an overwrite", async () => {
    const typed = def("typed an instant ago");
    const pending = { waiting: true, take: vi.fn(() => typed) };
    const put = vi.spyOn(api, "put").mockRejectedValueOnce(changed()).mockResolvedValue(workflow({ draft_revision: 6 }));
    vi.spyOn(api, "post").mockResolvedValue(workflow({ draft_revision: 7, published_version: 1 }));
    vi.spyOn(api, "get").mockResolvedValue(workflow({ draft_revision: 5 }));
    const { result } = setup(workflow({}), def("loaded"), pending);
    expect(result.current.dirty).toBe(true); // nothing in def yet, but something to save

    act(() => result.current.save());
    await waitFor(() => expect(result.current.conflict).not.toBeNull());
    act(() => result.current.overwrite()); // keep mine: what was typed, on their revision
    await waitFor(() => expect(put).toHaveBeenCalledTimes(2));
    act(() => result.current.publish());
    await waitFor(() => expect(api.post).toHaveBeenCalled());
    expect(pending.take).toHaveBeenCalledTimes(3);
    expect(put.mock.calls.map((c) => c[1])).toEqual([typed, typed]);
  });
});

describe("a save someone else's landed before", () => {
  const theirs = workflow({ draft_revision: 5, draft: def("theirs") as never, draft_saved_by: bob, draft_saved_at: "2026-03-02T09:05:00Z" });

  it("shows who saved, keeps the edits, then keeps mine by saving on their revision", async () => {
    const put = vi.spyOn(api, "put").mockRejectedValueOnce(changed()).mockResolvedValueOnce(workflow({ draft_revision: 6 }));
    vi.spyOn(api, "get").mockResolvedValue(theirs);
    const mine = def("mine");
    const { result, rerender } = setup(workflow({}), def("loaded"));
    rerender({ d: mine });
    act(() => result.current.save());
    await waitFor(() => expect(result.current.conflict).not.toBeNull());
    expect(result.current.conflict).toEqual({ action: "save", theirs });
    expect(result.current.dirty).toBe(true);
    expect(describeConflict(result.current.conflict!, 1)).toEqual({ published: false, by: { kind: "user", name: "Bob Builder" }, at: "2026-03-02T09:05:00Z" });

    act(() => result.current.overwrite());
    await waitFor(() => expect(result.current.dirty).toBe(false));
    expect(result.current.conflict).toBeNull();
    expect(put.mock.calls.map(ifMatchOf)).toEqual(['"3"', '"5"']);
    expect(put.mock.calls[1]![1]).toBe(mine);
  });

  it("reloads their version: the canvas takes it and the next save is on their revision", async () => {
    const put = vi.spyOn(api, "put").mockRejectedValueOnce(changed()).mockResolvedValueOnce(workflow({ draft_revision: 6 }));
    vi.spyOn(api, "get").mockResolvedValue(theirs);
    const { result, rerender, onReload } = setup(workflow({}), def("loaded"));
    rerender({ d: def("mine") });
    act(() => result.current.save());
    await waitFor(() => expect(result.current.conflict).not.toBeNull());

    act(() => result.current.reload());
    expect(onReload).toHaveBeenCalledTimes(1);
    const reloaded = onReload.mock.calls[0]![0] as Definition;
    expect(reloaded.steps[0]!.settings).toEqual({ text: "theirs" });
    rerender({ d: reloaded }); // the canvas now holds their version
    expect(result.current.conflict).toBeNull();
    expect(result.current.dirty).toBe(false);

    rerender({ d: def("edited after the reload") });
    act(() => result.current.save());
    await waitFor(() => expect(put).toHaveBeenCalledTimes(2));
    expect(ifMatchOf(put.mock.calls[1]!)).toBe('"5"');
  });

  it("keeps mine over a publish: saves the canvas on their revision, then publishes that", async () => {
    const put = vi.spyOn(api, "put").mockResolvedValue(workflow({ draft_revision: 6 }));
    const post = vi.spyOn(api, "post").mockRejectedValueOnce(changed()).mockResolvedValueOnce(workflow({ draft_revision: 7, published_version: 1 }));
    vi.spyOn(api, "get").mockResolvedValue(theirs);
    const loaded = def("loaded");
    const { result } = setup(workflow({}), loaded);
    act(() => result.current.publish()); // nothing changed here: only the publish is sent
    await waitFor(() => expect(result.current.conflict?.action).toBe("publish"));
    expect(put).not.toHaveBeenCalled();

    act(() => result.current.overwrite());
    await waitFor(() => expect(post).toHaveBeenCalledTimes(2));
    // Theirs would be published otherwise: the canvas is saved first, even unchanged.
    expect(put.mock.calls.map(ifMatchOf)).toEqual(['"5"']);
    expect(put.mock.calls[0]![1]).toBe(loaded);
    expect(post.mock.calls.map(ifMatchOf)).toEqual(['"3"', '"6"']);
  });
});

describe("a version restored after someone else's save", () => {
  const theirs = workflow({ draft_revision: 5, draft: def("theirs") as never, draft_saved_by: bob, draft_saved_at: "2026-03-02T09:05:00Z" });
  const v1 = def("version 1");

  it("is the same conflict, changing nothing; overwriting restores the version on their revision, undoable", async () => {
    const put = vi.spyOn(api, "put").mockResolvedValue(workflow({ draft_revision: 6, draft: v1 as never }));
    vi.spyOn(api, "get").mockResolvedValue(theirs);
    const { result, rerender, onReload } = setup(workflow({}), def("loaded"));
    // The panel sends its restore on the revision the canvas is based on.
    expect(result.current.revision).toBe(3);
    rerender({ d: def("mine") });
    act(() => result.current.restoreRefused({ version: 1, definition: v1 }));
    await waitFor(() => expect(result.current.conflict).not.toBeNull());
    expect(result.current.conflict).toEqual({ action: "restore", theirs, restore: { version: 1, definition: v1 } });
    expect(put).not.toHaveBeenCalled();
    expect(onReload).not.toHaveBeenCalled();
    expect(result.current.dirty).toBe(true); // the edits are still on the canvas

    act(() => result.current.overwrite());
    await waitFor(() => expect(onReload).toHaveBeenCalledWith(v1, true));
    expect(put.mock.calls.map(ifMatchOf)).toEqual(['"5"']);
    expect(put.mock.calls[0]![1]).toBe(v1);
    rerender({ d: v1 }); // the canvas now holds the version
    expect(result.current.conflict).toBeNull();
    expect(result.current.dirty).toBe(false);
    expect(result.current.revision).toBe(6);
  });
});

describe("describeConflict", () => {
  it("says who changed the draft and how", () => {
    const at = "2026-03-02T09:05:00Z";
    expect(describeConflict({ action: "save", theirs: workflow({ draft_saved_by: bob, draft_saved_at: at }) }, 42)).toEqual({
      published: false,
      by: { kind: "you" },
      at,
    });
    expect(describeConflict({ action: "save", theirs: workflow({ published_version: 2, draft_saved_by: null, draft_saved_at: null }) }, 1)).toEqual({
      published: true,
      by: { kind: "unknown" },
      at: undefined,
    });
    expect(describeConflict({ action: "publish" }, 1)).toEqual({ published: false, by: { kind: "unknown" } });
  });
});
