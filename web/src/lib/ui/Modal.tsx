// Modal: the app's dialog frame — a titled Radix modal dialog with a close
// button, over a backdrop, scrolling inside when its body is tall. Its
// scroll lock's <style> carries the page's CSP nonce (main.tsx).
import type { ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import { useTranslation } from "react-i18next";

export function Modal({ title, onClose, testid, wide, children }: { title: string; onClose(): void; testid: string; wide?: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/30" />
        <Dialog.Content
          data-testid={testid}
          aria-describedby={undefined}
          className={
            "border-line bg-bg fixed top-[10vh] left-1/2 z-50 max-h-[80vh] max-w-[calc(100vw-2rem)] -translate-x-1/2 overflow-y-auto rounded-lg border p-4 shadow-2xl " +
            (wide ? "w-[36rem]" : "w-[30rem]")
          }
        >
          <div className="mb-3 flex items-center">
            <Dialog.Title className="flex-1 text-base font-semibold">{title}</Dialog.Title>
            <Dialog.Close asChild>
              <button type="button" aria-label={t("app.close")} className="hover:bg-hover rounded p-1">
                <X size={16} aria-hidden="true" />
              </button>
            </Dialog.Close>
          </div>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
