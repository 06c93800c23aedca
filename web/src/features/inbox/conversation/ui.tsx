// Small pieces the conversation's parts share: a button with a tooltip that
// names its key, and the availability dot (always with its word beside it).
import { forwardRef, type ComponentPropsWithoutRef, type KeyboardEvent, type ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import * as Tooltip from "@radix-ui/react-tooltip";
import { Kbd } from "../../../lib/ui/Kbd";

export const TipButton = forwardRef<
  HTMLButtonElement,
  ComponentPropsWithoutRef<"button"> & {
    tip: string;
    shortcut?: string;
    primary?: boolean;
    /** The button's text names it (no aria-label beside it). */
    namedByContent?: boolean;
    children: ReactNode;
  }
>(function TipButton({ tip, shortcut, primary, namedByContent, children, className, ...rest }, ref) {
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <button
          ref={ref}
          type="button"
          aria-label={namedByContent ? undefined : (rest["aria-label"] ?? tip)}
          aria-keyshortcuts={shortcut}
          className={
            "inline-flex h-8 items-center gap-1.5 rounded-md border px-2 text-sm disabled:opacity-50 " +
            (primary ? "bg-accent text-accent-fg border-accent font-medium hover:opacity-90 " : "text-fg hover:bg-hover border-line ") +
            (className ?? "")
          }
          {...rest}
        >
          {children}
        </button>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content
          sideOffset={6}
          className="bg-fg text-bg z-50 flex items-center gap-2 rounded px-2 py-1 text-xs shadow"
        >
          {tip}
          {shortcut && <Kbd>{shortcut.toUpperCase()}</Kbd>}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
});

export function availabilityClass(a: string | undefined): string {
  if (a === "online") return "bg-success";
  if (a === "busy") return "bg-warning";
  return "bg-muted";
}

export const popoverClass =
  "bg-bg border-line z-40 rounded-lg border shadow-xl outline-none data-[state=open]:animate-none";

/**
 * ModalDialog: a Radix modal dialog (a backdrop that blocks the page, focus
 * kept inside, Escape and a click outside close it). Its scroll lock's
 * <style> element carries the page's CSP nonce (src/main.tsx).
 */
export function ModalDialog({
  open,
  onOpenChange,
  className,
  children,
  onKeyDown,
}: {
  open: boolean;
  onOpenChange(o: boolean): void;
  className: string;
  children: ReactNode;
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/30" />
        <Dialog.Content className={className} onKeyDown={onKeyDown}>
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
