// A contact's messages found by their words: what they said, or were told,
// in any of their conversations — or the team's internal notes on them. A
// hit opens its conversation in the inbox at that message or note, the
// inbox's own search beside it.
import { useState } from "react";
import { Search } from "lucide-react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useDebounced } from "../../lib/useDebounced";
import { SearchResults } from "../inbox/list/SearchResults";

export function MessageSearchCard({ contactID }: { contactID: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [text, setText] = useState("");
  const [kind, setKind] = useState<"messages" | "notes">("messages");
  // The search follows typing after a short pause, as the inbox's does.
  const q = useDebounced(text.trim(), 200);
  return (
    <section className="border-line flex flex-col rounded-lg border" data-testid="contact-message-search">
      <header className="border-line flex items-center gap-2 border-b px-4 py-2">
        <h2 className="flex-1 text-sm font-semibold">{t("contacts.detail.messages")}</h2>
        <div role="tablist" aria-label={t("contacts.detail.searchIn")} className="flex items-center gap-1 text-xs">
          {(["messages", "notes"] as const).map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={kind === k}
              data-testid={`contact-search-in-${k}`}
              onClick={() => setKind(k)}
              className={"rounded px-2 py-0.5 " + (kind === k ? "bg-selected text-fg font-medium" : "text-muted hover:bg-hover")}
            >
              {t(`contacts.detail.searchIn_${k}`)}
            </button>
          ))}
        </div>
      </header>
      <div className="flex flex-col gap-2 p-4">
        <label className="border-line bg-bg focus-within:border-accent focus-within:ring-accent flex items-center gap-1.5 rounded border px-2 focus-within:ring-1">
          <Search size={13} aria-hidden="true" className="text-muted" />
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label={t(kind === "messages" ? "contacts.detail.searchMessages" : "contacts.detail.searchNotes")}
            placeholder={t(kind === "messages" ? "contacts.detail.searchMessages" : "contacts.detail.searchNotes")}
            maxLength={200}
            className="min-w-0 flex-1 bg-transparent py-1 text-sm"
            style={{ outline: "none" }}
          />
        </label>
        {q !== "" && (
          <div className="border-line flex max-h-80 flex-col overflow-hidden rounded border">
            <SearchResults
              kind={kind}
              filter={{ contact_id: contactID }}
              q={q}
              open={null}
              onOpen={(h) =>
                navigate(`/inbox/all/${h.conversationID}?${new URLSearchParams({ q, in: kind, [h.focus.kind === "message" ? "msg" : "note"]: String(h.focus.id) })}`)
              }
            />
          </div>
        )}
      </div>
    </section>
  );
}
