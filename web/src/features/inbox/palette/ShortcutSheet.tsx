// The `?` sheet: every key the inbox answers.
import * as Dialog from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Kbd } from "../../../lib/ui/Kbd";
import { keyLabel } from "./fuzzy";

export const shortcutList: { keys: string[]; label: string }[] = [
  { keys: ["j", "↓"], label: "palette.keys.next" },
  { keys: ["k", "↑"], label: "palette.keys.prev" },
  { keys: ["Enter"], label: "palette.keys.open" },
  { keys: ["x"], label: "palette.keys.pick" },
  { keys: ["Escape"], label: "palette.keys.back" },
  { keys: ["/"], label: "palette.keys.search" },
  { keys: ["f"], label: "palette.keys.filter" },
  { keys: ["r"], label: "palette.keys.reply" },
  { keys: ["c"], label: "palette.keys.comment" },
  { keys: ["↑"], label: "palette.keys.editComment" },
  { keys: ["a"], label: "palette.keys.assign" },
  { keys: ["e"], label: "palette.keys.close" },
  { keys: ["s"], label: "palette.keys.snooze" },
  { keys: ["mod+k"], label: "palette.keys.palette" },
  { keys: ["?"], label: "palette.keys.help" },
];

export function ShortcutSheet({ open, onOpenChange }: { open: boolean; onOpenChange(o: boolean): void }) {
  const { t } = useTranslation();
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/30" />
        <Dialog.Content
          data-testid="shortcut-sheet"
          aria-describedby={undefined}
          className="border-line bg-bg fixed top-[12vh] left-1/2 z-50 w-[26rem] max-w-[calc(100vw-2rem)] -translate-x-1/2 rounded-lg border p-4 shadow-2xl"
        >
          <div className="mb-3 flex items-center">
            <Dialog.Title className="flex-1 text-sm font-semibold">{t("palette.keys.title")}</Dialog.Title>
            <Dialog.Close asChild>
              <button type="button" aria-label={t("app.close")} className="hover:bg-hover rounded p-1">
                <X size={16} aria-hidden="true" />
              </button>
            </Dialog.Close>
          </div>
          <table className="w-full text-sm">
            <tbody>
              {shortcutList.map((s) => (
                <tr key={s.label} className="border-line border-b last:border-0">
                  <td className="py-1.5">{t(s.label)}</td>
                  <td className="py-1.5 text-right">
                    <span className="inline-flex gap-1">
                      {s.keys.map((k) => (
                        <Kbd key={k}>{keyLabel(k)}</Kbd>
                      ))}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
