// StepPicker: the "+" on a free exit; a popover listing the step types the
// server knows (from its JSON Schema), grouped; choosing one adds it there.
import * as Popover from "@radix-ui/react-popover";
import { Plus } from "lucide-react";
import { useTranslation } from "react-i18next";
import { groupTypes, iconOf } from "./icons";

export function StepPicker({
  types,
  testID,
  exitLabel,
  onPick,
}: {
  types: string[];
  testID: string;
  exitLabel: string;
  onPick(type: string): void;
}) {
  const { t } = useTranslation();
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <button
          type="button"
          data-testid={testID}
          aria-label={t("builderCanvas.addOn", { exit: exitLabel })}
          className="nodrag nopan border-line bg-bg text-muted hover:bg-hover hover:text-fg focus-visible:ring-accent flex h-5 w-5 items-center justify-center rounded-full border focus-visible:ring-2 focus-visible:outline-none"
        >
          <Plus size={12} aria-hidden />
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          sideOffset={6}
          collisionPadding={8}
          data-testid="step-picker"
          aria-label={t("builderCanvas.picker")}
          className="border-line bg-bg z-50 max-h-[min(70vh,var(--radix-popover-content-available-height))] w-64 overflow-y-auto rounded-md border p-1 text-sm shadow-lg"
        >
          {groupTypes(types).map((g) => (
            <div key={g.key} role="group" aria-label={t(`builderCanvas.groups.${g.key}`)}>
              <div className="text-muted px-2 pt-2 pb-1 text-xs font-semibold uppercase">{t(`builderCanvas.groups.${g.key}`)}</div>
              {g.types.map((type) => {
                const Icon = iconOf(type);
                return (
                  <Popover.Close asChild key={type}>
                    <button
                      type="button"
                      data-testid={`pick-${type}`}
                      // React events bubble through the portal to the node: stop here, or the
                      // node's click would select it again over the step just added.
                      onClick={(e) => {
                        e.stopPropagation();
                        onPick(type);
                      }}
                      className="hover:bg-hover focus-visible:bg-hover flex w-full items-center gap-2 rounded px-2 py-1.5 text-left focus-visible:outline-none"
                    >
                      <Icon size={14} aria-hidden className="text-muted" />
                      {t(`builderCanvas.types.${type}`, { defaultValue: type })}
                    </button>
                  </Popover.Close>
                );
              })}
            </div>
          ))}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
