// The conversation's commands for the ⌘K palette. The palette's registry
// (src/lib/commands.ts, `useRegisterCommands`) is another helper's and may
// not be in this branch yet: this hook builds the list and hands it to the
// local stand-in below; point `register` at the real registry once merged.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

export interface Command {
  id: string;
  label: string;
  shortcut?: string;
  run(): void;
}

/** Stand-in for lib/commands.ts useRegisterCommands (a no-op until it exists). */
function useRegisterCommands(_commands: Command[]) {}

export interface ConversationCommandActions {
  reply(): void;
  comment(): void;
  assign(): void;
  close(): void;
  snooze(): void;
  togglePanel(): void;
}

export function useConversationCommands(conversationID: number, a: ConversationCommandActions, canAct: boolean) {
  const { t } = useTranslation();
  const commands = useMemo<Command[]>(
    () => [
      { id: `conversation.${conversationID}.reply`, label: t("conversation.composer.reply"), shortcut: "r", run: a.reply },
      { id: `conversation.${conversationID}.comment`, label: t("conversation.composer.comment"), shortcut: "c", run: a.comment },
      ...(canAct
        ? [
            { id: `conversation.${conversationID}.assign`, label: t("conversation.actions.assign"), shortcut: "a", run: a.assign },
            { id: `conversation.${conversationID}.close`, label: t("conversation.actions.close"), shortcut: "e", run: a.close },
            { id: `conversation.${conversationID}.snooze`, label: t("conversation.actions.snooze"), shortcut: "s", run: a.snooze },
          ]
        : []),
      { id: `conversation.${conversationID}.panel`, label: t("conversation.actions.togglePanel"), run: a.togglePanel },
    ],
    [conversationID, a, canAct, t],
  );
  useRegisterCommands(commands);
  return commands;
}
