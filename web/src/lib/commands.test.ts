import { describe, expect, it } from "vitest";
import { act, renderHook } from "@testing-library/react";
import { commands, registerCommands, useCommands, useRegisterCommands } from "./commands";

describe("commands", () => {
  it("lists what is registered, newest first, until unregistered", () => {
    const off1 = registerCommands([{ id: "a", label: "A", run: () => {} }]);
    const off2 = registerCommands([{ id: "b", label: "B", run: () => {} }, { id: "a", label: "A2", run: () => {} }]);
    expect(commands().map((c) => c.label)).toEqual(["B", "A2"]);
    off2();
    expect(commands().map((c) => c.label)).toEqual(["A"]);
    off1();
    expect(commands()).toEqual([]);
  });
  it("registers for as long as the component is mounted, running the latest closure", () => {
    let ran = "";
    const reg = renderHook(({ v }) => useRegisterCommands([{ id: "x", label: "X", run: () => (ran = v) }]), {
      initialProps: { v: "first" },
    });
    const read = renderHook(() => useCommands());
    expect(read.result.current.map((c) => c.id)).toEqual(["x"]);
    reg.rerender({ v: "second" });
    act(() => read.result.current[0]!.run());
    expect(ran).toBe("second");
    reg.unmount();
    expect(read.result.current).toEqual([]);
  });
});
