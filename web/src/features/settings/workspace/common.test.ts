import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/api";
import { fieldError, generalError } from "./common";

describe("settings form errors", () => {
  const err = new ApiError(422, "invalid", "unknown time zone \"Mars/Olympus\"", "timezone");
  it("gives a field its own error", () => {
    expect(fieldError(err, "timezone")).toBe('Unknown time zone "Mars/Olympus"');
    expect(fieldError(err, "name")).toBeUndefined();
    expect(fieldError(new Error("boom"), "name")).toBeUndefined();
  });
  it("says a field's error as the field's own: without the API's field name, capitalised", () => {
    expect(fieldError(new ApiError(422, "invalid", "current_password: is wrong", "current_password"), "current_password")).toBe("Is wrong");
    const several = new ApiError(422, "invalid", "invitation: 2 problem(s)", undefined, [
      { field: "email", message: "is not an email address" },
      { field: "role", message: "role: must be agent or manager" },
    ]);
    expect(fieldError(several, "email")).toBe("Is not an email address");
    expect(fieldError(several, "role")).toBe("Must be agent or manager");
    expect(fieldError(several, "name")).toBeUndefined();
  });
  it("shows an error that names no known field once, for the whole form", () => {
    expect(generalError(err, ["name", "timezone"])).toBeUndefined();
    expect(generalError(err, ["name"])).toBe('unknown time zone "Mars/Olympus"');
    expect(generalError(new ApiError(409, "conflict", "a tag named \"vip\" already exists"), ["name"])).toBe('a tag named "vip" already exists');
    expect(generalError(null, ["name"])).toBeUndefined();
  });
});
