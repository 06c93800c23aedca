import { describe, expect, it } from "vitest";
import { mocksModules } from "./mocking-files.mjs";

// A file that mocks a module but is not found runs in the shared project,
// and its replacement leaks into the files after it on the same worker.
describe("mocksModules", () => {
  it.each([
    ['vi.mock("../lib/api", () => ({}));', true],
    ['vi.doMock("../lib/api");', true],
    ['vi .mock ("x")', true],
    ["vi\n  .mock(\"x\")", true],
    ["const f = vi.fn();", false],
    ["vi.mocked(api).mockResolvedValue(1)", false],
    ['vi.stubGlobal("fetch", f)', false],
    ["envi.mock(1)", false],
  ])("%j → %s", (source, want) => {
    expect(mocksModules(source)).toBe(want);
  });
});
