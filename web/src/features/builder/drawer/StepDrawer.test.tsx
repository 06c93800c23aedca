// The drawer hands a change to the editor after a pause while typing (a
// keystroke does not rebuild the graph), but a pick — a select, a
// checkbox — at once: the canvas shows it, and a click on Save right
// after it saves it. The editor can also take a pending change itself.
import * as React from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import fixture from "./schema.fixture.json";
import type { JSONSchema } from "./schema";
import { type DrawerExit, type DrawerHandle, type DrawerNode, type DrawerStep, StepDrawer } from "./StepDrawer";

const root = fixture as unknown as JSONSchema;
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Drawer({ node, onChange, onPending, handle }: { node: DrawerNode; onChange(v: Record<string, unknown>): void; onPending?(p: boolean): void; handle?: React.Ref<DrawerHandle> }) {
  const [client] = React.useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  return (
    <QueryClientProvider client={client}>
      <StepDrawer ref={handle} node={node} onChange={onChange} onPending={onPending} schema={root} />
    </QueryClientProvider>
  );
}

const at = (path: string) => document.querySelector(`[data-schema-path="${path}"]`) as HTMLInputElement;

describe("when a change reaches the editor", () => {
  it("waits for a pause (or the field left) while typing, and says a change is pending meanwhile", () => {
    vi.stubGlobal("fetch", vi.fn(() => new Promise(() => {})));
    const onChange = vi.fn();
    const onPending = vi.fn();
    render(<Drawer node={{ kind: "step", id: "a", type: "ask_question", settings: { question: "?" } }} onChange={onChange} onPending={onPending} />);
    fireEvent.change(at("question"), { target: { value: "What do you need?" } });
    expect(onChange).not.toHaveBeenCalled();
    expect(onPending).toHaveBeenLastCalledWith(true);
    fireEvent.blur(at("question"));
    expect(onChange).toHaveBeenLastCalledWith({ question: "What do you need?" });
    expect(onPending).toHaveBeenLastCalledWith(false);
  });

  it("hands a pick in a select or a checkbox over at once", () => {
    vi.stubGlobal("fetch", vi.fn(() => new Promise(() => {})));
    const onChange = vi.fn();
    const onPending = vi.fn();
    render(<Drawer node={{ kind: "step", id: "a", type: "ask_question", settings: { question: "?" } }} onChange={onChange} onPending={onPending} />);
    fireEvent.change(at("answer_type"), { target: { value: "multiple_choice" } });
    expect(onChange).toHaveBeenLastCalledWith({ question: "?", answer_type: "multiple_choice" });
    expect(onPending).not.toHaveBeenCalled(); // nothing waits: the editor is not rendered twice for it
    cleanup();
    onChange.mockClear();
    render(<Drawer node={{ kind: "step", id: "b", type: "assign_to", settings: { target: "team", team: "Billing" } }} onChange={onChange} />);
    fireEvent.click(at("only_online"));
    expect(onChange).toHaveBeenLastCalledWith({ target: "team", team: "Billing", only_online: true });
  });

  it("gives its pending change to the editor that asks for it (a save)", () => {
    vi.stubGlobal("fetch", vi.fn(() => new Promise(() => {})));
    const onChange = vi.fn();
    const handle = React.createRef<DrawerHandle>();
    render(<Drawer handle={handle} node={{ kind: "step", id: "a", type: "send_message", settings: { text: "Hi" } }} onChange={onChange} />);
    fireEvent.change(at("text"), { target: { value: "Hello" } });
    expect(onChange).not.toHaveBeenCalled();
    handle.current!.flush();
    expect(onChange).toHaveBeenLastCalledWith({ text: "Hello" });
    handle.current!.flush(); // nothing pending any more
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});

// The editor hands each change back as a copy of the settings, when it
// next renders: that echo may come after the next edit, and must not wipe
// it (a date picked, then its time at once). Settings from outside (an
// undo) still replace what the form holds.
describe("the editor's echo of a change", () => {
  type Outside = { set?(s: Record<string, unknown>): void };
  function Editor({ echoes, outside, settings }: { echoes: Array<() => void>; outside: Outside; settings: Record<string, unknown> }) {
    const [node, setNode] = React.useState<DrawerNode>({ kind: "step", id: "a", type: "ask_question", settings });
    // Each change comes back later, as a copy, when the test says.
    const onChange = (v: Record<string, unknown>) => echoes.push(() => setNode((n) => ({ ...n, settings: structuredClone(v) })));
    outside.set = (s) => setNode((n) => ({ ...n, settings: s }));
    return <Drawer node={node} onChange={onChange} />;
  }

  it("keeps the edits made before each echo came back, and takes an undo", () => {
    vi.stubGlobal("fetch", vi.fn(() => new Promise(() => {})));
    const echoes: Array<() => void> = [];
    const outside: Outside = {};
    render(<Editor echoes={echoes} outside={outside} settings={{ question: "?" }} />);
    fireEvent.change(at("answer_type"), { target: { value: "number" } }); // a pick: handed over at once
    fireEvent.change(at("question"), { target: { value: "How many?" } });
    fireEvent.blur(at("question")); // handed over too
    fireEvent.change(at("answer_type"), { target: { value: "text" } });
    expect(echoes).toHaveLength(3);
    act(() => echoes.shift()!()); // the first echo, two edits late
    expect(at("question").value).toBe("How many?");
    expect(at("answer_type").value).toBe("text");
    act(() => echoes.splice(0).forEach((echo) => echo()));
    expect(at("question").value).toBe("How many?");
    expect(at("answer_type").value).toBe("text");
    // An undo gives settings this drawer did not emit: they replace the form's.
    act(() => outside.set!({ question: "?" }));
    expect(at("question").value).toBe("?");
  });
});

describe("the Exits section", () => {
  const steps: DrawerStep[] = [
    { id: "route", type: "branch" },
    { id: "sales", type: "assign_to", name: "To Sales" },
    { id: "busy", type: "send_message" },
  ];
  function Exits({ node, exits, onExit }: { node: DrawerNode; exits: DrawerExit[]; onExit(exit: string, target: string | undefined): void }) {
    const [client] = React.useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
    return (
      <QueryClientProvider client={client}>
        <StepDrawer node={node} onChange={() => {}} schema={root} steps={steps} exits={exits} onExit={onExit} />
      </QueryClientProvider>
    );
  }
  const texts = (el: HTMLElement) => [...el.querySelectorAll("option")].map((o) => o.textContent);

  it("has a labelled select per exit, listing the other steps as the Jump To picker does and the run's end", () => {
    vi.stubGlobal("fetch", vi.fn(() => new Promise(() => {})));
    const onExit = vi.fn();
    const exits = [
      { name: "branch[0]", label: "Sales", target: "sales" },
      { name: "branch[1]", label: "branch[1]" },
      { name: "else", label: "else", target: "busy" },
    ];
    render(<Exits node={{ kind: "step", id: "route", type: "branch", settings: {} }} exits={exits} onExit={onExit} />);
    const section = screen.getByRole("region", { name: "Exits" });
    const sales = within(section).getByRole("combobox", { name: "Branch “Sales”" }) as HTMLSelectElement;
    expect(sales.tagName).toBe("SELECT"); // native: Tab, arrows and type-ahead, as everywhere
    expect(texts(sales)).toEqual(["Nothing (the run ends)", "To Sales (sales)", "Send a message (busy)"]); // not itself
    expect(sales.value).toBe("sales");
    const second = within(section).getByRole("combobox", { name: "Branch 2" }) as HTMLSelectElement;
    expect(second.value).toBe("");
    fireEvent.change(second, { target: { value: "busy" } });
    expect(onExit).toHaveBeenLastCalledWith("branch[1]", "busy");
    fireEvent.change(within(section).getByRole("combobox", { name: "Else (no branch matched)" }), { target: { value: "" } });
    expect(onExit).toHaveBeenLastCalledWith("else", undefined);
  });

  it("gives the trigger its first step, which cannot lead nowhere", () => {
    vi.stubGlobal("fetch", vi.fn(() => new Promise(() => {})));
    const onExit = vi.fn();
    render(<Exits node={{ kind: "trigger", id: "trigger", type: "manual", settings: {} }} exits={[{ name: "start", label: "start", target: "route" }]} onExit={onExit} />);
    const first = screen.getByRole("combobox", { name: "First step" }) as HTMLSelectElement;
    expect(texts(first)).toEqual(["Branch (route)", "To Sales (sales)", "Send a message (busy)"]);
    fireEvent.change(first, { target: { value: "sales" } });
    expect(onExit).toHaveBeenLastCalledWith("start", "sales");
  });
});
