// DeleteStepDialog: confirms deleting a step with the steps only it leads
// to (its branch); count is how many steps go.
import * as Dialog from "@radix-ui/react-dialog";
import { useTranslation } from "react-i18next";

export function DeleteStepDialog({ confirm, onCancel, onDelete }: { confirm: { id: string; count: number } | null; onCancel(): void; onDelete(): void }) {
  const { t } = useTranslation();
  return (
    <Dialog.Root open={!!confirm} onOpenChange={(o) => !o && onCancel()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content className="border-line bg-bg fixed top-1/3 left-1/2 z-50 w-[420px] -translate-x-1/2 rounded-lg border p-4 shadow-xl">
          <Dialog.Title className="font-semibold">{t("builderCanvas.deleteTitle", { id: confirm?.id ?? "" })}</Dialog.Title>
          <Dialog.Description className="text-muted mt-2 text-sm">{t("builderCanvas.deleteBody", { count: confirm?.count ?? 0 })}</Dialog.Description>
          <div className="mt-4 flex justify-end gap-2">
            <Dialog.Close asChild>
              <button type="button" className="border-line hover:bg-hover rounded border px-3 py-1.5 text-sm">
                {t("builderCanvas.cancel")}
              </button>
            </Dialog.Close>
            <button
              type="button"
              data-testid="builder-delete-confirm"
              onClick={onDelete}
              className="bg-danger text-bg rounded px-3 py-1.5 text-sm font-medium hover:opacity-90"
            >
              {t("builderCanvas.delete", { count: confirm?.count ?? 0 })}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
