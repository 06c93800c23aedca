// The step drawer's forms come from the engine's JSON Schema. This walks
// every trigger and step type in the real schema (schema.fixture.json, kept
// equal to workflow.Schema() by a Go test) and fails when any property has
// no form control (each control carries data-schema-path).
import * as React from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "../../../lib/i18n";
import fixture from "./schema.fixture.json";
import { hints, nodeSchema, sampleValue, schemaPaths, typeNames, validate, type JSONSchema, type NodeKind } from "./schema";
import { SchemaForm } from "./SchemaForm";
import { StepDrawer } from "./StepDrawer";

const root = fixture as unknown as JSONSchema;
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("schema-driven forms", () => {
  const kinds: [NodeKind, number][] = [
    ["trigger", 10],
    ["step", 16],
  ];
  for (const [kind, count] of kinds) {
    it(`knows every ${kind} type of the schema`, () => {
      expect(typeNames(root, kind).length).toBe(count);
    });
    for (const type of typeNames(root, kind)) {
      it(`renders a control for every property of ${kind} ${type}`, () => {
        const schema = nodeSchema(root, kind, type)!;
        expect(schema).toBeDefined();
        const value = sampleValue(schema) as Record<string, unknown>;
        const { container } = render(<SchemaForm schema={schema} value={value} onChange={() => {}} hints={hints[`${kind}:${type}`]} />);
        const have = new Set([...container.querySelectorAll("[data-schema-path]")].map((e) => e.getAttribute("data-schema-path")));
        const missing = schemaPaths(schema).filter((p) => !have.has(p));
        expect(missing, `${kind} ${type}: properties without a control`).toEqual([]);
      });
    }
  }

  it("tucks settings that do not apply under Other settings, still with their controls", () => {
    const s = nodeSchema(root, "step", "ask_question")!;
    render(<SchemaForm schema={s} value={{ question: "Age?", answer_type: "number" }} onChange={() => {}} hints={hints["step:ask_question"]} />);
    const other = screen.getByTestId("other-settings");
    expect(other.querySelector('[data-schema-path="options"]')).toBeTruthy();
    expect(other.querySelector('[data-schema-path="min"]')).toBeNull();
    expect(document.querySelector('[data-schema-path="min"]')).toBeTruthy();
  });

  it("validates as the user types: required, min/max, pattern, enum", () => {
    const s = nodeSchema(root, "step", "wait")!;
    const h = hints["step:wait"];
    expect(validate(s, {}, h)).toEqual({ seconds: { code: "required" } });
    expect(validate(s, { seconds: 0 }, h)).toEqual({ seconds: { code: "min", limit: 1 } });
    expect(validate(s, { seconds: 1.5 }, h)).toEqual({ seconds: { code: "type", type: "integer" } });
    expect(validate(s, { seconds: 60 }, h)).toEqual({});
    const dt = nodeSchema(root, "step", "date_time")!;
    expect(validate(dt, { mode: "weekly", holidays: ["25/12"], hours: { mon: [{ from: "9h", to: "17:00" }] } }, hints["step:date_time"])).toEqual({
      mode: { code: "enum", values: "business_hours, date_range" },
      "holidays[0]": { code: "pattern", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
      "hours{mon}[0].from": { code: "time", value: "9h" },
    });
    // A period's end (x-after) is later than its start, as the server checks it; 24:00 is the day's end, and only an end.
    const period = (from: string, to: string) => validate(dt, { mode: "business_hours", hours: { mon: [{ from, to }] } }, hints["step:date_time"]);
    expect(period("17:00", "09:00")).toEqual({ "hours{mon}[0].to": { code: "after", value: "17:00" } });
    expect(period("09:00", "09:00")).toEqual({ "hours{mon}[0].to": { code: "after", value: "09:00" } });
    expect(period("09:00", "09:01")).toEqual({});
    expect(period("20:00", "24:00")).toEqual({});
    expect(period("24:00", "24:00")).toEqual({ "hours{mon}[0].from": { code: "time", value: "24:00" } });
    expect(period("09:00", "25:00")).toEqual({ "hours{mon}[0].to": { code: "time", value: "25:00" } });
  });

  it("shows errors inline and the server's problems under their field", () => {
    const s = nodeSchema(root, "step", "send_message")!;
    render(<SchemaForm schema={s} value={{ text: "", attachments: [{ type: "image", url: "" }] }} onChange={() => {}} hints={hints["step:send_message"]} problems={[{ field: "settings.attachments[0].url", message: "is required (server)" }]} />);
    expect(screen.getAllByText("Required.").length).toBeGreaterThan(0);
    expect(screen.getByText("is required (server)")).toBeTruthy();
    expect(document.querySelector('[data-schema-path="attachments[].url"]')!.getAttribute("aria-invalid")).toBe("true");
  });

  it("shows the server's problem on a map entry under that entry (a business-hours day, a response mapping)", () => {
    const dt = nodeSchema(root, "step", "date_time")!;
    render(
      <SchemaForm
        schema={dt}
        value={{ mode: "business_hours", hours: { mon: [{ from: "09:00", to: "17:00" }], tue: [{ from: "18:00", to: "09:00" }] } }}
        onChange={() => {}}
        hints={hints["step:date_time"]}
        problems={[{ field: "settings.hours.tue", message: "period 18:00–09:00 must be HH:MM to a later HH:MM" }]}
      />,
    );
    const rows = screen.getAllByTestId("map-row");
    expect(rows[0]!.textContent).not.toContain("must be HH:MM");
    expect(rows[1]!.textContent).toContain("period 18:00–09:00 must be HH:MM to a later HH:MM");
    cleanup();

    const http = nodeSchema(root, "step", "http_request")!;
    render(
      <SchemaForm
        schema={http}
        value={{ method: "GET", url: "https://x.test", response: { tier: "customer.tier" } }}
        onChange={() => {}}
        hints={hints["step:http_request"]}
        problems={[{ field: "settings.response.tier", message: "a JSON path starts with $ (e.g. $.data.id)" }]}
      />,
    );
    const value = document.querySelector('[data-schema-path="response{}"]')!;
    expect(value.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("map-row").textContent).toContain("a JSON path starts with $");
  });
});

describe("map settings (an HTTP Request's headers)", () => {
  // The form holds its value the way a parent does: whatever onChange gave.
  function Headers({ initial, onChange }: { initial: Record<string, unknown>; onChange(v: Record<string, unknown>): void }) {
    const [v, setV] = React.useState(initial);
    const s = nodeSchema(root, "step", "http_request")!;
    return <SchemaForm schema={s} value={v} onChange={(x) => { setV(x); onChange(x); }} hints={hints["step:http_request"]} />;
  }

  it("keeps a header whose name, while typed, is for a moment another header's", () => {
    const onChange = vi.fn();
    render(<Headers initial={{ headers: { key: "a", key2: "b" } }} onChange={onChange} />);
    const keys = () => [...document.querySelectorAll<HTMLInputElement>('[data-schema-path="headers{key}"]')];
    expect(keys().map((k) => k.value)).toEqual(["key", "key2"]);
    // Backspace over "key2"'s 2, then type the name meant: "key" is the first row's name for a keystroke.
    fireEvent.change(keys()[1]!, { target: { value: "key" } });
    expect(keys().map((k) => k.value)).toEqual(["key", "key"]);
    expect(screen.getByText("Another entry has this key.")).toBeTruthy();
    expect(onChange).toHaveBeenLastCalledWith({ headers: { key: "a" } }); // the header already there keeps its value
    fireEvent.change(keys()[1]!, { target: { value: "keyX" } });
    expect(keys().map((k) => k.value)).toEqual(["key", "keyX"]);
    expect(onChange).toHaveBeenLastCalledWith({ headers: { key: "a", keyX: "b" } });
  });
});

describe("a Send a Message step's WhatsApp template", () => {
  function SendMessage({ onChange }: { onChange(v: Record<string, unknown>): void }) {
    const [v, setV] = React.useState<Record<string, unknown>>({});
    const s = nodeSchema(root, "step", "send_message")!;
    return <SchemaForm schema={s} value={v} onChange={(x) => { setV(x); onChange(x); }} hints={hints["step:send_message"]} variables={["contact.first_name"]} />;
  }

  it("fills the template's name, language and body parameters, which take variables", () => {
    const onChange = vi.fn();
    render(<SendMessage onChange={onChange} />);
    const template = document.querySelector('[data-schema-path="template"]')!;
    expect(template.querySelector("legend")!.textContent).toContain("WhatsApp template");
    fireEvent.change(document.querySelector('[data-schema-path="template.name"]')!, { target: { value: "order_update" } });
    fireEvent.change(document.querySelector('[data-schema-path="template.language"]')!, { target: { value: "en_US" } });
    fireEvent.click(screen.getByRole("button", { name: "Add to Body parameters, in order" }));
    expect(template.querySelector('[data-schema-path="template.params[]"]')).toBeTruthy();
    expect(template.querySelector('[data-testid="variable-picker"]')).toBeTruthy();
    fireEvent.change(template.querySelector('[data-schema-path="template.params[]"]')!, { target: { value: "{{contact.first_name}}" } });
    expect(onChange).toHaveBeenLastCalledWith({ template: { name: "order_update", language: "en_US", params: ["{{contact.first_name}}"] } });
    // Cleared, the template is gone from the settings (a text may be sent again).
    fireEvent.click(within(template as HTMLElement).getByRole("button", { name: /Remove/ }));
    fireEvent.change(document.querySelector('[data-schema-path="template.name"]')!, { target: { value: "" } });
    fireEvent.change(document.querySelector('[data-schema-path="template.language"]')!, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith({});
  });

  it("asks a header's link for a document header, its text for a text header", () => {
    const onChange = vi.fn();
    render(<SendMessage onChange={onChange} />);
    const header = document.querySelector('[data-schema-path="template.header"]') as HTMLElement;
    expect(header.querySelector("legend")!.textContent).toContain("Header parameter");
    expect(screen.getByLabelText(/^Header kind/)).toBeTruthy();
    const relevant = () => [...header.querySelectorAll("[data-schema-path]")].filter((e) => !e.closest('[data-testid="other-settings"]')).map((e) => e.getAttribute("data-schema-path"));
    fireEvent.change(header.querySelector('[data-schema-path="template.header.type"]')!, { target: { value: "document" } });
    expect(relevant()).toContain("template.header.url");
    expect(relevant()).not.toContain("template.header.text");
    fireEvent.change(header.querySelector('[data-schema-path="template.header.url"]')!, { target: { value: "https://x.test/{{contact.id}}.pdf" } });
    expect(onChange).toHaveBeenLastCalledWith({ template: { header: { type: "document", url: "https://x.test/{{contact.id}}.pdf" } } });
    fireEvent.change(header.querySelector('[data-schema-path="template.header.type"]')!, { target: { value: "text" } });
    expect(relevant()).toContain("template.header.text");
  });
});

describe("StepDrawer", () => {
  const withQuery = (ui: React.ReactNode) => <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>;
  const stubFetch = () =>
    vi.stubGlobal(
      "fetch",
      vi.fn((url: string) => {
        const body = url.startsWith("/api/v1/custom-fields") ? { data: [{ id: 1, key: "plan", name: "Plan", type: "text", options: [], created_at: "" }] } : url.startsWith("/api/v1/workflows/schema") ? fixture : {};
        return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } }));
      }),
    );

  it("shows the node's type and id, edits settings, inserts variables and previews the template", async () => {
    stubFetch();
    const onChange = vi.fn();
    render(withQuery(<StepDrawer node={{ kind: "step", id: "hi", type: "send_message", settings: { text: "Hello " } }} onChange={onChange} debounceMs={0} variables={["var.need"]} problems={[{ field: "settings.text", message: "too long" }]} />));
    await waitFor(() => expect(document.querySelector('[data-schema-path="text"]')).toBeTruthy()); // schema fetched
    expect(screen.getByRole("heading", { name: "Send a message" })).toBeTruthy();
    expect(screen.getByText("hi")).toBeTruthy();
    expect(screen.getByTestId("drawer-problems").textContent).toContain("too long");

    const text = document.querySelector('[data-schema-path="text"]') as HTMLTextAreaElement;
    text.setSelectionRange(6, 6);
    fireEvent.click(screen.getByRole("button", { name: "Insert a variable in Text" }));
    await waitFor(() => expect(document.querySelector('[data-variable="contact.fields.plan"]')).toBeTruthy()); // custom fields fetched
    expect(document.querySelector('[data-variable="var.need"]')).toBeTruthy();
    expect(document.querySelector('[data-variable="conversation.status"]')).toBeTruthy();
    fireEvent.click(document.querySelector('[data-variable="contact.first_name"]')!);
    expect(onChange).toHaveBeenLastCalledWith({ text: "Hello {{contact.first_name}}" });
    expect(screen.getByTestId("template-preview").textContent).toContain("Hello Ada");

    fireEvent.click(screen.getByRole("button", { name: "Add to Quick replies" }));
    expect(onChange).toHaveBeenLastCalledWith({ text: "Hello {{contact.first_name}}", quick_replies: [""] });
  });

  it("suggests a template's name and language from the approved ones synced on the workspace's WhatsApp channel", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn((url: string) => {
        const body = url.startsWith("/api/v1/channels/7/templates")
          ? { data: [{ name: "order_update", language: "en_US", body: "Hi {{1}}", params: 1, status: "APPROVED" }, { name: "order_update", language: "fr", body: "Salut {{1}}", params: 1, status: "APPROVED" }, { name: "promo", language: "en_US", body: "Sale", params: 0, status: "PENDING" }] }
          : url.startsWith("/api/v1/channels")
            ? { data: [{ id: 3, type: "telegram", name: "Bot" }, { id: 7, type: "whatsapp", name: "WhatsApp" }] }
            : {};
        return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } }));
      }),
    );
    render(withQuery(<StepDrawer node={{ kind: "step", id: "hi", type: "send_message", settings: {} }} onChange={() => {}} debounceMs={0} schema={root} />));
    const options = (path: string) => {
      const list = document.querySelector(`[data-schema-path="${path}"]`)!.getAttribute("list");
      return list ? [...document.querySelectorAll(`datalist[id="${list}"] option`)].map((o) => o.getAttribute("value")) : [];
    };
    await waitFor(() => expect(options("template.name")).toEqual(["order_update"]));
    expect(options("template.language")).toEqual(["en_US", "fr"]);
  });

  it("hands the last keystrokes over as soon as the field is left, before the debounce", async () => {
    stubFetch();
    const onChange = vi.fn();
    render(withQuery(<StepDrawer node={{ kind: "step", id: "hi", type: "send_message", settings: { text: "" } }} onChange={onChange} debounceMs={60_000} schema={root} />));
    const text = document.querySelector('[data-schema-path="text"]') as HTMLTextAreaElement;
    fireEvent.focus(text);
    fireEvent.change(text, { target: { value: "Welcome!" } });
    expect(onChange).not.toHaveBeenCalled(); // still within the debounce
    fireEvent.blur(text); // the focus goes to the toolbar's Save
    expect(onChange).toHaveBeenLastCalledWith({ text: "Welcome!" });
  });

  it("keeps what is being typed when the canvas renders again with the same settings (a trigger with no conditions yet)", () => {
    const onChange = vi.fn();
    // The canvas passes the trigger's conditions, or a new {} on each render while it has none.
    const drawer = () => withQuery(<StepDrawer node={{ kind: "trigger", id: "trigger", type: "schedule", settings: {} }} onChange={onChange} debounceMs={60_000} schema={root} />);
    const { rerender } = render(drawer());
    const cron = () => document.querySelector('[data-schema-path="cron"]') as HTMLInputElement;
    fireEvent.change(cron(), { target: { value: "0 9 * * 1-5" } });
    rerender(drawer()); // e.g. a query of the canvas refetched on focus
    expect(cron().value).toBe("0 9 * * 1-5");
    fireEvent.change(cron(), { target: { value: "0 9 * * 1-5" } });
    fireEvent.blur(cron());
    expect(onChange).toHaveBeenLastCalledWith({ cron: "0 9 * * 1-5" });
  });

  it("suggests the workspace's custom field keys", async () => {
    stubFetch();
    render(withQuery(<StepDrawer node={{ kind: "step", id: "f", type: "update_contact_field", settings: {} }} onChange={() => {}} schema={root} />));
    const input = document.querySelector('[data-schema-path="field"]')!;
    await waitFor(() => expect(document.getElementById(input.getAttribute("list") ?? "none")?.querySelector('option[value="plan"]')).toBeTruthy());
    expect(document.querySelector('option[value="first_name"]')).toBeTruthy();
  });

  it("renders a trigger's conditions as choices", async () => {
    stubFetch();
    const onChange = vi.fn();
    render(withQuery(<StepDrawer node={{ kind: "trigger", id: "trigger", type: "conversation_opened", settings: {} }} onChange={onChange} debounceMs={0} schema={root} />));
    fireEvent.click(screen.getByRole("checkbox", { name: "Contact" }));
    expect(onChange).toHaveBeenLastCalledWith({ sources: ["contact"] });
  });

  it("debounces onChange while typing and flushes when another node is selected", () => {
    vi.useFakeTimers();
    try {
      const onChange = vi.fn();
      const node = { kind: "step" as const, id: "w", type: "wait", settings: {} };
      const { rerender } = render(withQuery(<StepDrawer node={node} onChange={onChange} schema={root} />));
      const input = document.querySelector('[data-schema-path="seconds"]')!;
      fireEvent.change(input, { target: { value: "6" } });
      fireEvent.change(input, { target: { value: "60" } });
      expect(onChange).not.toHaveBeenCalled();
      vi.advanceTimersByTime(300);
      expect(onChange).toHaveBeenCalledTimes(1);
      expect(onChange).toHaveBeenLastCalledWith({ seconds: 60 });
      fireEvent.change(input, { target: { value: "0" } });
      expect(screen.getByText("At least 1.")).toBeTruthy();
      rerender(withQuery(<StepDrawer node={{ ...node, id: "w2" }} onChange={onChange} schema={root} />));
      expect(onChange).toHaveBeenLastCalledWith({ seconds: 0 });
    } finally {
      vi.useRealTimers();
    }
  });
});
