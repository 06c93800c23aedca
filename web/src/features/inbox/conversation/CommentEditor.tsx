// A comment rewritten in place: its text in a box, Save (or ⌘/Ctrl+Enter)
// and Cancel (or Escape). `@` offers the teammates as the composer does,
// so a mention added while editing names the person chosen, not whoever
// the server finds by the text.
import { useEffect, useRef, useState } from "react";
import * as Popover from "@radix-ui/react-popover";
import { useTranslation } from "react-i18next";
import type { User } from "../../../lib/types";
import { mentionQuery, replaceTrigger, type Person, type Trigger } from "./composerText";
import { mentionMatches, MentionOption, PickerList, pickerOptionID } from "./pickerList";

const PICKER = "comment-edit-picker";

export function CommentEditor({
  initial,
  users,
  onSave,
  onCancel,
}: {
  initial: string;
  users: User[];
  /** The trimmed text and the teammates chosen with @ meanwhile. */
  onSave(text: string, chosen: Person[]): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  const [chosen, setChosen] = useState<Person[]>([]);
  const [picker, setPicker] = useState<{ trigger: Trigger; index: number } | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    box.current?.scrollIntoView?.({ block: "nearest" });
  }, []);

  const matches = picker ? mentionMatches(users, picker.trigger.query) : [];
  const follow = (value: string, caret: number) => {
    const at = mentionQuery(value, caret);
    setPicker(at ? (p) => ({ trigger: at, index: p ? Math.min(p.index, 7) : 0 }) : null);
  };
  const choose = (i: number) => {
    const u = matches[i];
    const el = box.current;
    if (!picker || !u || !el) return;
    const next = replaceTrigger(text, el.selectionStart ?? text.length, picker.trigger, "@" + u.name + " ");
    setChosen((c) => [...c.filter((p) => p.id !== u.id), { id: u.id, name: u.name }]);
    setText(next.text);
    setPicker(null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  };
  const save = () => {
    const trimmed = text.trim();
    if (trimmed) onSave(trimmed, chosen);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (picker && matches.length > 0 && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      const d = e.key === "ArrowDown" ? 1 : -1;
      setPicker({ ...picker, index: (picker.index + d + matches.length) % matches.length });
    } else if (picker && matches.length > 0 && (e.key === "Enter" || e.key === "Tab") && !e.metaKey && !e.ctrlKey) {
      e.preventDefault();
      choose(picker.index);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation(); // the inbox's Escape goes back to the list
      if (picker) setPicker(null);
      else onCancel();
    } else if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      save();
    }
  };

  return (
    <form
      className="flex w-[28rem] max-w-full flex-col items-end gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <Popover.Root open={!!picker} onOpenChange={(o) => !o && setPicker(null)}>
        <Popover.Anchor asChild>
          <textarea
            data-testid="comment-edit-text"
            ref={box}
            aria-label={t("conversation.comment.editLabel")}
            aria-autocomplete="list"
            aria-controls={picker ? PICKER : undefined}
            aria-activedescendant={picker && matches.length > 0 ? pickerOptionID(PICKER, picker.index) : undefined}
            autoFocus
            rows={3}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              follow(e.target.value, e.target.selectionStart ?? e.target.value.length);
            }}
            onClick={(e) => follow(text, e.currentTarget.selectionStart)}
            onKeyDown={onKeyDown}
            className="bg-note border-warning/60 w-full rounded-xl border px-3 py-2 text-sm"
          />
        </Popover.Anchor>
        <PickerList
          id={PICKER}
          side="bottom"
          className="w-80"
          label={t("conversation.composer.mentions")}
          empty={matches.length > 0 ? undefined : t("conversation.composer.noMentions")}
        >
          {picker &&
            matches.map((u, i) => <MentionOption key={u.id} user={u} listID={PICKER} index={i} selected={i === picker.index} onChoose={choose} />)}
        </PickerList>
      </Popover.Root>
      <div className="flex gap-2 text-xs">
        <button type="button" onClick={onCancel} className="hover:bg-hover rounded px-2 py-1">
          {t("conversation.comment.cancel")}
        </button>
        <button type="submit" data-testid="comment-save" disabled={!text.trim()} className="bg-accent text-accent-fg rounded px-2 py-1 disabled:opacity-50">
          {t("conversation.comment.save")}
        </button>
      </div>
    </form>
  );
}
