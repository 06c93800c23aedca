// The command palette (⌘K / Ctrl K): a fuzzy filter over every registered
// command, the conversations whose contact matches what is typed (the
// server's search), and last a search of the messages for it. Arrows
// move, Enter runs, Escape closes.
import { useEffect, useMemo, useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { MessageSquare, Search, TextSearch } from "lucide-react";
import { api, type Page } from "../../../lib/api";
import { useCommands, type Command } from "../../../lib/commands";
import { qk } from "../../../lib/queryKeys";
import { Kbd } from "../../../lib/ui/Kbd";
import { useDebounced } from "../../../lib/useDebounced";
import type { Conversation } from "../../../lib/types";
import { keyLabel, score } from "./fuzzy";

interface Item {
  id: string;
  /** The text the filter reads; "" for a server search result. */
  match: string;
  label: string;
  group: string;
  shortcut?: string;
  icon?: "conversation" | "search";
  /** Always offered, after every match (the search of the messages). */
  last?: boolean;
  run(): void;
}

/**
 * rank filters the items and orders them: groups by their best match,
 * items within a group best first (the server's results rank as a perfect
 * match on their name).
 */
function rank(text: string, items: Item[]): Item[] {
  if (!text.trim()) return items;
  const scored = items
    .map((it, i) => ({ it, i, s: it.last ? -Infinity : it.match ? score(text, it.match) : 1000 }))
    .filter((x): x is { it: Item; i: number; s: number } => x.s !== null);
  const best = new Map<string, number>();
  for (const x of scored) best.set(x.it.group, Math.max(best.get(x.it.group) ?? -Infinity, x.s));
  scored.sort((a, b) => best.get(b.it.group)! - best.get(a.it.group)! || a.it.group.localeCompare(b.it.group) || b.s - a.s || a.i - b.i);
  return scored.map((x) => x.it);
}

export function CommandPalette({ open, onOpenChange }: { open: boolean; onOpenChange(o: boolean): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const commands = useCommands();
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const q = useDebounced(text.trim(), 150);

  useEffect(() => {
    if (!open) setText("");
  }, [open]);

  const found = useQuery({
    queryKey: [...qk.conversations, "palette", q],
    queryFn: ({ signal }) => api.get<Page<Conversation>>("/api/v1/conversations", { q, limit: 8, sort: "last_message" }, signal),
    enabled: open && q.length >= 2,
    staleTime: 10_000,
  });

  const items = useMemo<Item[]>(() => {
    const other = t("palette.group.other");
    const all: Item[] = commands.map((c: Command) => ({
      id: `cmd:${c.id}`,
      label: c.label,
      group: c.group ?? other,
      shortcut: c.shortcut,
      match: `${c.label} ${c.keywords ?? ""}`,
      run: c.run,
    }));
    if (text.trim().length >= 2 && q === text.trim()) {
      for (const c of found.data?.data ?? []) {
        const name = c.contact_name || `#${c.contact_id}`;
        all.push({
          id: `conv:${c.id}`,
          label: t("palette.openConversation", { name, id: c.id }),
          group: t("palette.group.conversations"),
          icon: "conversation",
          // The server matched it (name, phone or email): never filtered out.
          match: "",
          run: () => navigate(`/inbox/all/${c.id}`),
        });
      }
    }
    const words = text.trim();
    if (words.length >= 2) {
      for (const where of ["messages", "notes"] as const) {
        all.push({
          id: `search:${where}`,
          label: t(where === "messages" ? "palette.searchMessages" : "palette.searchNotes", { q: words }),
          group: t("palette.group.search"),
          icon: "search",
          match: "",
          last: true,
          run: () => navigate(`/inbox/all?${new URLSearchParams({ q: words, in: where })}`),
        });
      }
    }
    return rank(text, all);
  }, [text, q, commands, found.data, navigate, t]);

  useEffect(() => setActive(0), [text]);
  const current = Math.min(active, Math.max(0, items.length - 1));

  const runItem = (it: Item | undefined) => {
    if (!it) return;
    onOpenChange(false);
    it.run();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => Math.min(items.length - 1, a + 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === "Enter") {
      e.preventDefault();
      runItem(items[current]);
    }
  };

  useEffect(() => {
    document.getElementById(`palette-item-${current}`)?.scrollIntoView?.({ block: "nearest" });
  }, [current]);

  let lastGroup = "";
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/30" />
        <Dialog.Content
          data-testid="command-palette"
          aria-describedby={undefined}
          className="border-line bg-bg fixed top-[15vh] left-1/2 z-50 w-[36rem] max-w-[calc(100vw-2rem)] -translate-x-1/2 overflow-hidden rounded-lg border shadow-2xl"
        >
          <Dialog.Title className="sr-only">{t("palette.title")}</Dialog.Title>
          <div className="border-line flex items-center gap-2 border-b px-3">
            <Search size={16} aria-hidden="true" className="text-muted" />
            <input
              autoFocus
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={onKeyDown}
              role="combobox"
              aria-expanded="true"
              aria-controls="palette-list"
              aria-autocomplete="list"
              aria-activedescendant={items.length ? `palette-item-${current}` : undefined}
              aria-label={t("palette.input")}
              placeholder={t("palette.placeholder")}
              className="min-w-0 flex-1 bg-transparent py-3 text-sm"
              style={{ outline: "none" }}
            />
            <Kbd>Esc</Kbd>
          </div>
          <div id="palette-list" role="listbox" aria-label={t("palette.results")} className="max-h-[50vh] overflow-y-auto p-1">
            {items.length === 0 ? (
              <p className="text-muted px-3 py-4 text-sm">
                {found.isFetching ? t("palette.searching") : t("palette.nothing")}
              </p>
            ) : (
              items.map((it, i) => {
                const head = it.group !== lastGroup ? it.group : null;
                lastGroup = it.group;
                return (
                  <div key={it.id} role="presentation">
                    {head && (
                      <div role="presentation" className="text-muted px-2 pt-2 pb-1 text-[11px] font-semibold uppercase">
                        {head}
                      </div>
                    )}
                    <div
                      id={`palette-item-${i}`}
                      role="option"
                      aria-selected={i === current}
                      onMouseMove={() => setActive(i)}
                      onClick={() => runItem(it)}
                      className={"flex cursor-default items-center gap-2 rounded px-2 py-1.5 text-sm " + (i === current ? "bg-selected" : "")}
                    >
                      {it.icon === "conversation" && <MessageSquare size={14} aria-hidden="true" className="text-muted" />}
                      {it.icon === "search" && <TextSearch size={14} aria-hidden="true" className="text-muted" />}
                      <span className="min-w-0 flex-1 truncate">{it.label}</span>
                      {it.shortcut && <Kbd>{keyLabel(it.shortcut)}</Kbd>}
                    </div>
                  </div>
                );
              })
            )}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
