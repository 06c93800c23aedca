// A field is described by what it shows: its hint, or the server's error
// in the hint's place. Naming an element that is not there misleads a
// screen reader, and a browser test reading the description raced it.
import { afterEach, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/react";
import { Field, TextInput } from "./form";

afterEach(cleanup);

function described(input: HTMLElement): string[] {
  const ids = (input.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  return ids.map((id) => {
    const el = document.getElementById(id);
    expect(el, `aria-describedby names #${id}, which is not on the page`).not.toBeNull();
    return el!.textContent ?? "";
  });
}

it.each([
  { name: "neither", hint: undefined, error: undefined, want: [] },
  { name: "a hint", hint: "0 means no limit", error: undefined, want: ["0 means no limit"] },
  { name: "an error", hint: undefined, error: "must be 0 to 1000", want: ["must be 0 to 1000"] },
  { name: "an error in the hint's place", hint: "0 means no limit", error: "must be 0 to 1000", want: ["must be 0 to 1000"] },
])("is described by what it shows: $name", ({ hint, error, want }) => {
  render(
    <Field label="Capacity" hint={hint} error={error}>
      {(id, describedBy) => <TextInput id={id} aria-describedby={describedBy} />}
    </Field>,
  );
  expect(described(screen.getByLabelText("Capacity"))).toEqual(want);
});
