// The list a text box offers while a `/snippet` or an `@mention` is being
// typed: the composer's and a comment's editor show the same one. The
// text box keeps the focus; it names the list (aria-controls) and the
// option the arrows are on (aria-activedescendant, pickerOptionID).
import type { ReactNode } from "react";
import * as Popover from "@radix-ui/react-popover";
import type { User } from "../../../lib/types";
import { matchesQuery } from "./composerText";
import { popoverClass } from "./ui";

/** The teammates an `@query` offers: active ones whose name matches, eight at most. */
export function mentionMatches(users: User[], query: string): User[] {
  return users.filter((u) => !u.deactivated_at && matchesQuery(u.name, query)).slice(0, 8);
}

export const pickerOptionID = (listID: string, index: number) => `${listID}-${index}`;

/** PickerList is the titled list box in a popover beside the text box
 * (the Popover.Root's anchor), which keeps the focus; `empty` shows when
 * nothing matches. */
export function PickerList({
  id,
  label,
  empty,
  side,
  className,
  children,
}: {
  id: string;
  label: string;
  empty?: string;
  side: "top" | "bottom";
  /** The popover's width. */
  className: string;
  children: ReactNode;
}) {
  return (
    <Popover.Portal>
      <Popover.Content
        side={side}
        align="start"
        sideOffset={4}
        onOpenAutoFocus={(e) => e.preventDefault()}
        onCloseAutoFocus={(e) => e.preventDefault()}
        className={popoverClass + " p-1 " + className}
      >
        <p className="text-muted px-2 py-1 text-xs font-semibold uppercase">{label}</p>
        <ul id={id} role="listbox" aria-label={label}>
          {empty !== undefined && <li className="text-muted px-2 py-1 text-sm">{empty}</li>}
          {children}
        </ul>
      </Popover.Content>
    </Popover.Portal>
  );
}

/** PickerOption is one choice of a PickerList; a click chooses it without
 * taking the focus from the text box. */
export function PickerOption({
  listID,
  index,
  selected,
  onChoose,
  children,
}: {
  listID: string;
  index: number;
  selected: boolean;
  onChoose(i: number): void;
  children: ReactNode;
}) {
  return (
    <li
      id={pickerOptionID(listID, index)}
      role="option"
      aria-selected={selected}
      onMouseDown={(e) => {
        e.preventDefault();
        onChoose(index);
      }}
      className={"cursor-default rounded px-2 py-1.5 text-sm " + (selected ? "bg-selected" : "hover:bg-hover")}
    >
      {children}
    </li>
  );
}

/** MentionOption shows a teammate in the list: name, then email. */
export function MentionOption({ user, ...rest }: { user: User; listID: string; index: number; selected: boolean; onChoose(i: number): void }) {
  return (
    <PickerOption {...rest}>
      {user.name} <span className="text-muted text-xs">{user.email}</span>
    </PickerOption>
  );
}
