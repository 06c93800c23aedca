// The broadcast form: the audience's estimate asks the server with the
// channel and the filters as the broadcast stores them; Send now names the
// number of contacts and, once confirmed, saves the draft then sends it;
// a WhatsApp channel says what its window does and offers its templates;
// the server's refusal shows next to the field it names.
import { afterEach, expect, it, vi } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { json } from "../../test/http";
import { bodies, broadcast, mount, stubAPI } from "./testAPI";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** server answers the broadcasts' writes: the count by tag, a created draft as id 7, a send. */
function server() {
  return stubAPI((c) => {
    if (c.url === "/api/v1/broadcasts/audience") {
      const { audience } = c.body as { audience: { tag?: string } };
      return json(200, { count: audience.tag === "vip" ? 12 : 40 });
    }
    if (c.method === "POST" && c.url === "/api/v1/broadcasts") return json(201, broadcast({ ...(c.body as object), id: 7 }));
    if (c.method === "POST" && c.url === "/api/v1/broadcasts/7/send") return json(200, broadcast({ status: "sending", started_at: "2026-03-01T09:01:00Z" }));
    if (c.url === "/api/v1/broadcasts/7") return json(200, broadcast({ status: "sending", started_at: "2026-03-01T09:01:00Z" }));
    if (c.url.startsWith("/api/v1/channels/2/templates")) {
      return json(200, { data: [{ name: "spring_offer", language: "en", body: "Hi, {{1}} off until {{2}}", params: 2, status: "APPROVED" }] });
    }
    return undefined;
  });
}

it("estimates the audience and sends now after naming how many contacts it goes to", async () => {
  const calls = server();
  mount("/broadcasts/new");
  // Every reachable contact first, asked on the first channel.
  await waitFor(() => expect(screen.getByTestId("broadcast-estimate").textContent).toBe("40 contacts right now"));
  expect(bodies(calls, "POST", "/api/v1/broadcasts/audience")[0]).toEqual({ channel_id: 1, audience: {} });

  await screen.findByRole("option", { name: "vip" });
  fireEvent.change(screen.getByTestId("audience-tag"), { target: { value: "vip" } });
  await waitFor(() => expect(screen.getByTestId("broadcast-estimate").textContent).toBe("12 contacts right now"));
  expect(bodies(calls, "POST", "/api/v1/broadcasts/audience").at(-1)).toEqual({ channel_id: 1, audience: { tag: "vip" } });

  fireEvent.change(screen.getByTestId("broadcast-name"), { target: { value: "Spring sale" } });
  expect((screen.getByTestId("broadcast-send-now") as HTMLButtonElement).disabled).toBe(true); // no message yet
  fireEvent.change(screen.getByTestId("message-text"), { target: { value: "20 % off this week" } });
  fireEvent.click(screen.getByTestId("broadcast-send-now"));
  const dialog = await screen.findByTestId("broadcast-send-dialog");
  expect(within(dialog).getByTestId("broadcast-send-count").textContent).toBe("“Spring sale” goes now to 12 contacts.");
  expect(bodies(calls, "POST", "/api/v1/broadcasts")).toEqual([]); // nothing saved before the confirmation
  fireEvent.click(within(dialog).getByRole("button", { name: "Send to 12 contacts" }));

  await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/broadcasts/7"));
  expect(bodies(calls, "POST", "/api/v1/broadcasts")).toEqual([
    { name: "Spring sale", channel_id: 1, audience: { tag: "vip" }, message: { type: "text", text: "20 % off this week" } },
  ]);
  expect(bodies(calls, "POST", "/api/v1/broadcasts/7/send")).toEqual([{}]);
  const saved = calls.findIndex((c) => c.method === "POST" && c.url === "/api/v1/broadcasts");
  const sent = calls.findIndex((c) => c.url === "/api/v1/broadcasts/7/send");
  expect(saved).toBeLessThan(sent);
  expect((await screen.findByTestId("broadcast-detail")).dataset.status).toBe("sending");
});

it("on WhatsApp says what the window does and sends a template with its parameters", async () => {
  const calls = server();
  mount("/broadcasts/new");
  await screen.findByRole("option", { name: "WhatsApp Sales" });
  expect(screen.queryByTestId("broadcast-window-note")).toBeNull(); // the custom channel has no window
  fireEvent.change(screen.getByTestId("broadcast-channel"), { target: { value: "2" } });
  const note = await screen.findByTestId("broadcast-window-note");
  expect(note.textContent).toContain("only contacts who wrote in the last 24 hours");
  await waitFor(() => expect(bodies(calls, "POST", "/api/v1/broadcasts/audience").at(-1)).toEqual({ channel_id: 2, audience: {} }));

  fireEvent.click(screen.getByTestId("message-kind-template"));
  expect(screen.getByTestId("broadcast-window-note").textContent).toContain("A template reaches every contact");
  await screen.findByRole("option", { name: "spring_offer (en)" });
  fireEvent.change(screen.getByTestId("message-template"), { target: { value: "spring_offer/en" } });
  const params = screen.getAllByTestId("message-template-param");
  expect(params.length).toBe(2);
  fireEvent.change(screen.getByTestId("broadcast-name"), { target: { value: "Offer" } });
  fireEvent.change(params[0]!, { target: { value: "20 %" } });
  expect((screen.getByTestId("broadcast-save") as HTMLButtonElement).disabled).toBe(false);
  expect((screen.getByTestId("broadcast-send-now") as HTMLButtonElement).disabled).toBe(true); // {{2}} still empty
  fireEvent.change(params[1]!, { target: { value: "Sunday" } });
  expect(screen.getByTestId("message-template-preview").textContent).toBe("Hi, 20 % off until Sunday");

  fireEvent.click(screen.getByTestId("broadcast-save"));
  await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/broadcasts/7"));
  expect(bodies(calls, "POST", "/api/v1/broadcasts")).toEqual([
    {
      name: "Offer",
      channel_id: 2,
      audience: {},
      message: { type: "template", content: { type: "template", name: "spring_offer", language: "en", params: ["20 %", "Sunday"] } },
    },
  ]);
});

it("schedules at a time on the workspace's clock", async () => {
  const calls = server();
  mount("/broadcasts/new");
  await waitFor(() => expect(screen.getByTestId("broadcast-estimate").textContent).toBe("40 contacts right now"));
  fireEvent.change(screen.getByTestId("broadcast-name"), { target: { value: "Later" } });
  fireEvent.change(screen.getByTestId("message-text"), { target: { value: "Hello" } });
  fireEvent.click(screen.getByTestId("broadcast-schedule"));
  const dialog = await screen.findByTestId("broadcast-send-dialog");
  fireEvent.change(within(dialog).getByTestId("broadcast-schedule-at"), { target: { value: "2099-05-01T09:30" } });
  fireEvent.click(within(dialog).getByTestId("broadcast-send-confirm"));
  await waitFor(() => expect(bodies(calls, "POST", "/api/v1/broadcasts/7/send")).toEqual([{ scheduled_at: "2099-05-01T09:30:00Z" }]));
});

it("shows the server's refusal under the field it names, and saves nothing else", async () => {
  const calls = stubAPI((c) => {
    if (c.url === "/api/v1/broadcasts/audience") return json(200, { count: 3 });
    if (c.method === "POST" && c.url === "/api/v1/broadcasts") {
      return json(422, { error: { code: "invalid", message: "name: is too long", field: "name" } });
    }
    return undefined;
  });
  mount("/broadcasts/new");
  await waitFor(() => expect(screen.getByTestId("broadcast-estimate").textContent).toBe("3 contacts right now"));
  fireEvent.change(screen.getByTestId("broadcast-name"), { target: { value: "x".repeat(150) } });
  fireEvent.change(screen.getByTestId("message-text"), { target: { value: "Hello" } });
  fireEvent.click(screen.getByTestId("broadcast-send-now"));
  fireEvent.click(await screen.findByTestId("broadcast-send-confirm"));
  expect((await screen.findByText("Is too long")).getAttribute("role")).toBe("alert");
  expect(calls.some((c) => c.url.endsWith("/send"))).toBe(false);
  expect(screen.getByTestId("location").textContent).toBe("/broadcasts/new");
});

it("gives an email broadcast its subject, on email channels only", async () => {
  const calls = server();
  mount("/broadcasts/new");
  await screen.findByRole("option", { name: "Newsletter" });
  expect(screen.queryByTestId("message-subject")).toBeNull(); // the custom channel has no subject
  fireEvent.change(screen.getByTestId("broadcast-name"), { target: { value: "Spring letter" } });
  fireEvent.change(screen.getByTestId("broadcast-channel"), { target: { value: "3" } });
  fireEvent.change(await screen.findByTestId("message-subject"), { target: { value: "Our spring sale" } });
  fireEvent.change(screen.getByTestId("message-text"), { target: { value: "20 % off this week" } });
  fireEvent.click(screen.getByTestId("broadcast-save"));
  await waitFor(() => expect(bodies(calls, "POST", "/api/v1/broadcasts")).toHaveLength(1));
  expect(bodies(calls, "POST", "/api/v1/broadcasts")[0]).toMatchObject({
    channel_id: 3,
    message: { type: "text", text: "20 % off this week", content: { subject: "Our spring sale" } },
  });
});
