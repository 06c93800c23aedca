// Which unit test files must run isolated (see vite.config.ts): those
// that replace a module. Read from the files' text, so that a new file is
// classed without anyone listing it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every *.test.ts(x) under dir, as paths joined onto dir. */
export function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : /\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/**
 * Whether a test file's source replaces a module: vi.mock or vi.doMock,
 * however spaced. vi.mocked (a type helper) and vi.fn do not.
 */
export function mocksModules(source) {
  return /\bvi\s*\.\s*(mock|doMock)\s*\(/.test(source);
}

/** The test files under dir that replace a module. */
export function mockingFiles(dir) {
  return testFiles(dir).filter((f) => mocksModules(readFileSync(f, "utf8")));
}
