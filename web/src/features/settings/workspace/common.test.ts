import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/api";
import { fieldError, generalError } from "./common";

describe("settings form errors", () => {
  const err = new ApiError(422, "invalid", "unknown time zone \"Mars/Olympus\"", "timezone");
  it("gives a field its own error", () => {
    expect(fieldError(err, "timezone")).toBe('unknown time zone "Mars/Olympus"');
    expect(fieldError(err, "name")).toBeUndefined();
    expect(fieldError(new Error("boom"), "name")).toBeUndefined();
  });
  it("shows an error that names no known field once, for the whole form", () => {
    expect(generalError(err, ["name", "timezone"])).toBeUndefined();
    expect(generalError(err, ["name"])).toBe('unknown time zone "Mars/Olympus"');
    expect(generalError(new ApiError(409, "conflict", "a tag named \"vip\" already exists"), ["name"])).toBe('a tag named "vip" already exists');
    expect(generalError(null, ["name"])).toBeUndefined();
  });
});
