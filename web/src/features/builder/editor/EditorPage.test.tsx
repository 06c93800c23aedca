// The editor page as a whole (jsdom, React Flow included, the API a fake
// fetch): what the toolbar's Save and Publish send is the definition with
// the step drawer's last change in it, even one made an instant before
// (the drawer hands typing over after a pause, and a pick at once); the
// canvas names what steps point at; the drawer's Exits wire the graph as
// a drag does, undoably.
import * as React from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes } from "react-router";
import i18n from "../../../lib/i18n";
import { SessionProvider, useSession } from "../../../lib/session";
import { ToastProvider } from "../../../lib/ui/toast";
import fixture from "../drawer/schema.fixture.json";
import type { Definition } from "../model/graph";
import EditorPage from "./EditorPage";

// React Flow measures its nodes: jsdom has no ResizeObserver.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}

beforeEach(() => {
  vi.stubGlobal("ResizeObserver", NoResize);
  localStorage.clear();
});
afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

const users = [{ id: 1, name: "Ana Agent", email: "ana@acme.test", kind: "human", role: "agent", status: "online", team_ids: [] }];

const draft = (): Definition => ({
  name: "Welcome",
  trigger: { type: "manual" },
  steps: [
    { id: "hi", type: "send_message", settings: { text: "Hi" }, exits: { next: "assign" } },
    { id: "assign", type: "assign_to", settings: { target: "user" } },
  ],
});

const workflow = (d: Definition, over: Record<string, unknown> = {}) => ({
  id: 7, workspace_id: 1, name: d.name, description: "", active: false, published_version: 0, status: "draft", trigger_type: "manual",
  created_at: "2026-03-02T09:00:00Z", updated_at: "2026-03-02T09:00:00Z", draft_revision: 3, draft_saved_at: "2026-03-02T09:00:00Z",
  draft_saved_by: null, draft: d, ...over,
});

interface Sent {
  method: string;
  path: string;
  body: unknown;
}

/** fakeAPI answers the editor's reads and records its writes. */
function fakeAPI(d: Definition) {
  const sent: Sent[] = [];
  const json = (body: unknown, status = 200) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
  vi.stubGlobal(
    "fetch",
    vi.fn((url: string, init?: RequestInit) => {
      const path = url.split("?")[0]!;
      const method = init?.method ?? "GET";
      if (method !== "GET") {
        const body = init?.body ? JSON.parse(String(init.body)) : undefined;
        sent.push({ method, path, body });
        if (path === "/api/v1/workflows/7") return json(workflow(body as Definition, { draft_revision: 4 }));
        if (path === "/api/v1/workflows/7/publish") return json(workflow(d, { draft_revision: 5, published_version: 1, status: "published" }));
      }
      if (path === "/api/v1/me") return json({ role: "owner", workspace: { id: 1, name: "Acme", timezone: "UTC" }, user: { id: 1, name: "Olga", team_ids: [] } });
      if (path === "/api/v1/auth/csrf") return json({ csrf_token: "t" });
      if (path === "/api/v1/workflows/schema") return json(fixture);
      if (path === "/api/v1/workflows/7") return json(workflow(d));
      if (path === "/api/v1/workflows/7/stats") return json({ since: "2026-03-01T00:00:00Z", steps: [] });
      if (path === "/api/v1/users") return json({ data: users });
      return json({ data: [] });
    }),
  );
  return sent;
}

/** SignedIn is the editor once who-am-I has answered, as the app's shell mounts it. */
function SignedIn() {
  const { state } = useSession();
  return state.status === "signed-in" ? <EditorPage /> : null;
}

function Page() {
  const [client] = React.useState(() => new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } }));
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <SessionProvider>
          <MemoryRouter initialEntries={["/builder/7"]}>
            <Routes>
              <Route path="/builder/:workflowID" element={<SignedIn />} />
            </Routes>
          </MemoryRouter>
        </SessionProvider>
      </ToastProvider>
    </QueryClientProvider>
  );
}

/** open renders the editor and opens a step's drawer by clicking its node. */
async function open(step: string) {
  render(<Page />);
  return select(step);
}

/** select clicks a step's node and waits for its drawer's form. */
async function select(step: string) {
  const node = await screen.findByText((_, el) => el?.getAttribute("data-step-id") === step && el.getAttribute("data-testid") === "builder-node");
  fireEvent.click(node);
  await waitFor(() => expect(document.querySelector(`[data-testid="step-drawer"][data-node-id="${step}"] [data-schema-path]`)).not.toBeNull());
  return screen.getByTestId("step-drawer");
}

const field = (drawer: HTMLElement, path: string) => drawer.querySelector(`[data-schema-path="${path}"]`) as HTMLInputElement & HTMLSelectElement;
const stepOf = (s: Sent | undefined, id: string) => (s?.body as Definition | undefined)?.steps.find((x) => x.id === id);

describe("Save and Publish take the drawer's last change", () => {
  it("saves a word typed an instant before the click on Save", async () => {
    const sent = fakeAPI(draft());
    const drawer = await open("hi");
    fireEvent.change(field(drawer, "text"), { target: { value: "Hello there" } });
    fireEvent.click(screen.getByTestId("builder-save"));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(stepOf(sent[0], "hi")?.settings).toEqual({ text: "Hello there" });
    await waitFor(() => expect(screen.getByTestId("workflow-editor").getAttribute("data-dirty")).toBeNull());
  });

  it("saves a pick made an instant before the click on Save, with the edits made before it", async () => {
    const sent = fakeAPI(draft());
    let drawer = await open("hi");
    const text = field(drawer, "text");
    fireEvent.change(text, { target: { value: "Hello there" } });
    fireEvent.blur(text); // handed over: the canvas has an unsaved change
    await waitFor(() => expect(screen.getByTestId("workflow-editor").getAttribute("data-dirty")).toBe("true"));
    drawer = await select("assign");
    await waitFor(() => expect(field(drawer, "user_id").querySelectorAll("option").length).toBeGreaterThan(1));
    fireEvent.change(field(drawer, "user_id"), { target: { value: "1" } });
    fireEvent.click(screen.getByTestId("builder-save"));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(stepOf(sent[0], "assign")?.settings).toEqual({ target: "user", user_id: 1 });
    expect(stepOf(sent[0], "hi")?.settings).toEqual({ text: "Hello there" });
  });

  it("publishes a word typed an instant before the click on Publish", async () => {
    const sent = fakeAPI(draft());
    const drawer = await open("hi");
    fireEvent.change(field(drawer, "text"), { target: { value: "Hello there" } });
    fireEvent.click(screen.getByTestId("builder-publish"));
    await waitFor(() => expect(sent.map((s) => s.path)).toEqual(["/api/v1/workflows/7", "/api/v1/workflows/7/publish"]));
    expect(stepOf(sent[0], "hi")?.settings).toEqual({ text: "Hello there" });
  });

  it("saves with Ctrl+S from the field, which keeps the focus", async () => {
    const sent = fakeAPI(draft());
    const drawer = await open("hi");
    const text = field(drawer, "text");
    text.focus();
    fireEvent.change(text, { target: { value: "Hello there" } });
    fireEvent.keyDown(text, { key: "s", ctrlKey: true });
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(stepOf(sent[0], "hi")?.settings).toEqual({ text: "Hello there" });
    expect(document.activeElement).toBe(text);
  });
});

describe("the canvas names what the steps point at", () => {
  it("shows a user and a workflow by name, an id that names nothing as deleted", async () => {
    fakeAPI({
      ...draft(),
      steps: [
        { id: "assign", type: "assign_to", settings: { target: "user", user_id: 1 }, exits: { timeout: "other" } },
        { id: "other", type: "trigger_workflow", settings: { workflow_id: 99 } },
      ],
    });
    render(<Page />);
    const summary = (id: string) => document.querySelector(`[data-testid="builder-node"][data-step-id="${id}"]`)?.textContent ?? "";
    await waitFor(() => expect(summary("assign")).toContain("user · Ana Agent"));
    await waitFor(() => expect(summary("other")).toContain("#99 (no longer exists)"));
  });
});

describe("the drawer's Exits wire the graph as a drag does", () => {
  const exit = (name: string) => screen.getByRole("region", { name: "Exits" }).querySelector(`select[data-exit="${name}"]`) as HTMLSelectElement;

  it("wires and frees a step's exit, undoably, and saves it", async () => {
    const sent = fakeAPI(draft());
    await open("assign");
    // The exit is free on the canvas: its "+" is there until it is wired.
    expect(screen.getByTestId("add-step-assign-timeout")).toBeTruthy();
    fireEvent.change(exit("timeout"), { target: { value: "hi" } });
    await waitFor(() => expect(screen.queryByTestId("add-step-assign-timeout")).toBeNull());
    expect(exit("timeout").value).toBe("hi");
    fireEvent.click(screen.getByRole("button", { name: /^Undo/ }));
    await waitFor(() => expect(screen.getByTestId("add-step-assign-timeout")).toBeTruthy());
    expect(exit("timeout").value).toBe("");
    fireEvent.click(screen.getByRole("button", { name: /^Redo/ }));
    await waitFor(() => expect(exit("timeout").value).toBe("hi"));
    fireEvent.click(screen.getByTestId("builder-save"));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(stepOf(sent[0], "assign")?.exits).toEqual({ timeout: "hi" });
  });

  it("takes arrowing through an exit's steps as one change: one Undo goes back to where it led", async () => {
    fakeAPI(draft());
    await open("hi");
    for (const target of ["", "assign", ""]) fireEvent.change(exit("next"), { target: { value: target } }); // ↓ ↑ ↓ on a native select
    await waitFor(() => expect(exit("next").value).toBe(""));
    fireEvent.click(screen.getByRole("button", { name: /^Undo/ }));
    await waitFor(() => expect(exit("next").value).toBe("assign"));
    expect((screen.getByRole("button", { name: /^Undo/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("frees an exit: the run ends there", async () => {
    const sent = fakeAPI(draft());
    await open("hi");
    expect(exit("next").value).toBe("assign");
    fireEvent.change(exit("next"), { target: { value: "" } });
    await waitFor(() => expect(screen.getByTestId("add-step-hi-next")).toBeTruthy());
    fireEvent.click(screen.getByTestId("builder-save"));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(stepOf(sent[0], "hi")?.exits).toEqual({});
  });

  it("sets the trigger's first step", async () => {
    const sent = fakeAPI(draft());
    render(<Page />);
    const trigger = await screen.findByText((_, el) => el?.getAttribute("data-kind") === "trigger" && el.getAttribute("data-testid") === "builder-node");
    fireEvent.click(trigger);
    await waitFor(() => expect(exit("start").value).toBe("hi"));
    fireEvent.change(exit("start"), { target: { value: "assign" } });
    fireEvent.click(screen.getByTestId("builder-save"));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect((sent[0]!.body as Definition).start).toBe("assign");
  });
});
