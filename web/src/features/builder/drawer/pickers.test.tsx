// Settings the engine's schema marks as references (x-ref: a user, a
// workflow, a step…) are picked from what they refer to, not typed as ids;
// a saved id that names nothing any more is marked as such.
import * as React from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import i18n from "../../../lib/i18n";
import fixture from "./schema.fixture.json";
import type { JSONSchema } from "./schema";
import { StepDrawer, type DrawerNode, type DrawerStep } from "./StepDrawer";

const root = fixture as unknown as JSONSchema;
afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  await i18n.changeLanguage("en");
});

const users = [
  { id: 1, name: "Ana Agent", email: "ana@acme.test", kind: "human", role: "agent", status: "online", team_ids: [] },
  { id: 2, name: "Robo", email: "robo@agents.acme.test", kind: "ai_agent", role: "agent", status: "online", team_ids: [] },
  { id: 3, name: "Dan Gone", email: "dan@acme.test", kind: "human", role: "agent", status: "online", team_ids: [], deactivated_at: "2026-01-01T00:00:00Z" },
];
const workflows = [
  { id: 5, name: "Survey", status: "published", trigger_type: "manual", active: true },
  { id: 7, name: "Inbound", status: "draft", trigger_type: "manual", active: false },
  { id: 8, name: "Welcome", status: "published", trigger_type: "conversation_opened", active: true },
];

/** fakeAPI answers the directory lists the drawer reads, by path. */
function fakeAPI() {
  const lists: Record<string, unknown[]> = {
    "/api/v1/users": users,
    "/api/v1/workflows": workflows,
    "/api/v1/teams": [{ id: 4, name: "Billing" }],
    "/api/v1/channels": [{ id: 6, name: "Web chat", type: "custom" }],
  };
  const fetch = vi.fn((url: string) => {
    const path = url.split("?")[0]!;
    const body = path === "/api/v1/workflows/schema" ? fixture : { data: lists[path] ?? [] };
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } }));
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

function Drawer({ node, onChange, steps, workflowID }: { node: DrawerNode; onChange(v: Record<string, unknown>): void; steps?: DrawerStep[]; workflowID?: number }) {
  const [client] = React.useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  return (
    <QueryClientProvider client={client}>
      <StepDrawer node={node} onChange={onChange} debounceMs={0} schema={root} steps={steps} workflowID={workflowID} />
    </QueryClientProvider>
  );
}

const optionTexts = (select: HTMLElement) => [...select.querySelectorAll("option")].map((o) => o.textContent);
const selectedText = (select: HTMLSelectElement) => select.selectedOptions[0]?.textContent;

describe("Assign To: a user", () => {
  it("picks among the workspace's members, AI agents too, by name and email", async () => {
    fakeAPI();
    const onChange = vi.fn();
    render(<Drawer node={{ kind: "step", id: "a", type: "assign_to", settings: { target: "user", user_id: 2 } }} onChange={onChange} />);
    const select = screen.getByRole("combobox", { name: "User" }) as HTMLSelectElement;
    await waitFor(() => expect(selectedText(select)).toContain("Robo"));
    expect(selectedText(select)).toContain("AI agent");
    expect(optionTexts(select)).toContain("Ana Agent <ana@acme.test>");
    const gone = within(select).getByRole("option", { name: /Dan Gone/ }) as HTMLOptionElement;
    expect(gone.disabled).toBe(true); // routing refuses a deactivated user
    expect(gone.textContent).toContain("deactivated");
    fireEvent.change(select, { target: { value: "1" } });
    expect(onChange).toHaveBeenLastCalledWith({ target: "user", user_id: 1 }); // an id, as the engine's integer
    fireEvent.change(select, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith({ target: "user" });
  });

  it("marks a saved id that names nobody (a deleted user)", async () => {
    fakeAPI();
    render(<Drawer node={{ kind: "step", id: "a", type: "assign_to", settings: { target: "user", user_id: 99 } }} onChange={() => {}} />);
    const select = screen.getByRole("combobox", { name: "User" }) as HTMLSelectElement;
    await waitFor(() => expect(select.getAttribute("aria-invalid")).toBe("true"));
    expect(selectedText(select)).toBe("#99 (no longer exists)");
    const note = screen.getByTestId("ref-missing");
    expect(note.textContent).toBe("No user has the id 99 any more (deleted?): choose another.");
    expect(select.getAttribute("aria-describedby")).toContain(note.id);
  });

  it("says it in French", async () => {
    fakeAPI();
    await i18n.changeLanguage("fr");
    render(<Drawer node={{ kind: "step", id: "a", type: "assign_to", settings: { target: "user", user_id: 99 } }} onChange={() => {}} />);
    const select = screen.getByRole("combobox", { name: "Utilisateur" }) as HTMLSelectElement;
    await waitFor(() => expect(selectedText(select)).toBe("#99 (n’existe plus)"));
    expect(screen.getByTestId("ref-missing").textContent).toContain("Aucun utilisateur");
    expect(within(select).getByRole("option", { name: /Robo/ }).textContent).toContain("agent IA");
  });

  it("picks a team the same way", async () => {
    fakeAPI();
    const onChange = vi.fn();
    render(<Drawer node={{ kind: "step", id: "a", type: "assign_to", settings: { target: "team" } }} onChange={onChange} />);
    const select = screen.getByRole("combobox", { name: "Team" });
    await waitFor(() => expect(optionTexts(select)).toContain("Billing"));
    fireEvent.change(select, { target: { value: "4" } });
    expect(onChange).toHaveBeenLastCalledWith({ target: "team", team_id: 4 });
  });
});

describe("Trigger Another Workflow: a workflow", () => {
  it("picks among the workspace's workflows with their status, this one marked, those it cannot start disabled", async () => {
    fakeAPI();
    const onChange = vi.fn();
    render(<Drawer node={{ kind: "step", id: "t", type: "trigger_workflow", settings: {} }} onChange={onChange} workflowID={7} />);
    const select = screen.getByRole("combobox", { name: /^Workflow/ });
    await waitFor(() => expect(optionTexts(select)).toContain("Survey · Published"));
    // The engine does not refuse a workflow starting itself (its loop guard stops it): offered, and said.
    expect(within(select).getByRole("option", { name: /Inbound/ }).textContent).toBe("Inbound · Draft (this workflow)");
    const welcome = within(select).getByRole("option", { name: /Welcome/ }) as HTMLOptionElement;
    expect(welcome.disabled).toBe(true); // the step starts only workflows with a manual trigger
    expect(welcome.textContent).toContain("not a manual trigger");
    fireEvent.change(select, { target: { value: "5" } });
    expect(onChange).toHaveBeenLastCalledWith({ workflow_id: 5 });
  });

  it("marks a workflow that no longer exists", async () => {
    fakeAPI();
    render(<Drawer node={{ kind: "step", id: "t", type: "trigger_workflow", settings: { workflow_id: 42 } }} onChange={() => {}} />);
    const select = screen.getByRole("combobox", { name: /^Workflow/ }) as HTMLSelectElement;
    await waitFor(() => expect(selectedText(select)).toBe("#42 (no longer exists)"));
    expect(screen.getByTestId("ref-missing").textContent).toBe("No workflow has the id 42 any more (deleted?): choose another.");
  });
});

describe("Jump To: a step of this workflow", () => {
  const steps: DrawerStep[] = [
    { id: "ask", type: "ask_question" },
    { id: "again", type: "jump_to" },
    { id: "hi", type: "send_message", name: "Greeting" },
  ];

  it("picks among the definition's other steps, titled as the canvas titles them, and follows renames and removals", async () => {
    const onChange = vi.fn();
    const node: DrawerNode = { kind: "step", id: "again", type: "jump_to", settings: { step: "hi" } };
    const { rerender } = render(<Drawer node={node} onChange={onChange} steps={steps} />);
    const select = screen.getByRole("combobox", { name: /^Step/ }) as HTMLSelectElement;
    expect(optionTexts(select)).toEqual(["Choose…", "Ask a question (ask)", "Greeting (hi)"]); // not itself
    expect(selectedText(select)).toBe("Greeting (hi)");
    fireEvent.change(select, { target: { value: "ask" } });
    expect(onChange).toHaveBeenLastCalledWith({ step: "ask" });

    rerender(<Drawer node={node} onChange={onChange} steps={[{ ...steps[0]!, name: "Ask the need" }, steps[1]!, steps[2]!]} />);
    expect(selectedText(select)).toBe("Ask the need (ask)");

    rerender(<Drawer node={node} onChange={onChange} steps={[steps[1]!, steps[2]!]} />);
    expect(selectedText(select)).toBe("ask (no longer exists)");
    expect(screen.getByTestId("ref-missing").textContent).toBe("This workflow has no step ask any more (removed?): choose another.");
  });

  it("is reached and changed with the keyboard alone", async () => {
    const onChange = vi.fn();
    render(<Drawer node={{ kind: "step", id: "again", type: "jump_to", settings: {} }} onChange={onChange} steps={steps} />);
    const select = screen.getByRole("combobox", { name: /^Step/ });
    expect(select.tagName).toBe("SELECT"); // a native select: Tab, arrows and type-ahead work as everywhere
    expect(select.getAttribute("aria-required")).toBe("true");
  });
});

describe("a step's channel left empty", () => {
  it("says what no pick means: the channel the contact last wrote on, or the conversation's", async () => {
    fakeAPI();
    render(<Drawer node={{ kind: "step", id: "o", type: "open_conversation", settings: {} }} onChange={() => {}} />);
    const open = (await screen.findByRole("combobox", { name: /Channel/ })) as HTMLSelectElement;
    await waitFor(() => expect(optionTexts(open).some((o) => o?.startsWith("Web chat"))).toBe(true));
    expect(selectedText(open)).toBe("The channel they last wrote on");
    cleanup();
    render(<Drawer node={{ kind: "step", id: "s", type: "send_message", settings: { text: "Hi" } }} onChange={() => {}} />);
    const send = (await screen.findByRole("combobox", { name: /Channel/ })) as HTMLSelectElement;
    await waitFor(() => expect(optionTexts(send).some((o) => o?.startsWith("Web chat"))).toBe(true));
    expect(selectedText(send)).toBe("The conversation’s channel");
  });
});
