// The command registry: what the ⌘K palette can do. A component registers
// its commands while it is mounted (the open conversation: Reply, Assign,
// Close…) and the palette lists every registered one, newest first.
import { useEffect, useRef, useSyncExternalStore } from "react";

export interface Command {
  /** Unique while registered, e.g. "conversation.reply". */
  id: string;
  /** What the palette shows (already translated). */
  label: string;
  /** The key that does the same, shown beside it: "r", "mod+k", "?". */
  shortcut?: string;
  /** A heading to group commands under (already translated). */
  group?: string;
  /** Extra words the filter matches (e.g. the English label in French). */
  keywords?: string;
  run: () => void;
}

type Entry = { token: object; commands: Command[] };

let entries: Entry[] = [];
let snapshot: Command[] = [];
const listeners = new Set<() => void>();

function publish() {
  const seen = new Set<string>();
  const out: Command[] = [];
  // Newest registration first, so a pane's command wins over an older one
  // with the same id.
  for (let i = entries.length - 1; i >= 0; i--) {
    for (const c of entries[i]!.commands) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push(c);
    }
  }
  snapshot = out;
  for (const fn of listeners) fn();
}

/** registerCommands adds commands until the returned function is called. */
export function registerCommands(commands: Command[]): () => void {
  const entry: Entry = { token: {}, commands };
  entries = [...entries, entry];
  publish();
  return () => {
    entries = entries.filter((e) => e !== entry);
    publish();
  };
}

function subscribe(fn: () => void) {
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}

/** commands is every registered command, newest registration first. */
export function commands(): Command[] {
  return snapshot;
}

/**
 * useRegisterCommands registers commands for as long as the component is
 * mounted. `run` always calls the latest closure; the registration is
 * renewed only when an id, label, shortcut or group changes.
 */
export function useRegisterCommands(list: Command[], enabled = true) {
  const ref = useRef(list);
  ref.current = list;
  const signature = list.map((c) => [c.id, c.label, c.shortcut ?? "", c.group ?? "", c.keywords ?? ""].join("\u0000")).join("\u0001");
  useEffect(() => {
    if (!enabled) return;
    const proxies = ref.current.map((c) => ({
      ...c,
      run: () => ref.current.find((x) => x.id === c.id)?.run(),
    }));
    return registerCommands(proxies);
  }, [enabled, signature]);
}

/** useCommands is every registered command, kept current. */
export function useCommands(): Command[] {
  return useSyncExternalStore(subscribe, commands, commands);
}
