// The open conversation's commands for the ⌘K palette (lib/commands.ts):
// registered while the pane is mounted, each with the key that does the same.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useRegisterCommands, type Command } from "../../../lib/commands";

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
  const commands = useMemo<Command[]>(() => {
    const group = t("conversation.commands.group");
    const list: Command[] = [
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
    ];
    return list.map((c) => ({ ...c, group }));
  }, [conversationID, a, canAct, t]);
  useRegisterCommands(commands);
  return commands;
}
