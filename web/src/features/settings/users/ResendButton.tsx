// ResendButton: Resend mails a pending invitation again in its language, in
// one click; the caret beside it offers the other languages, for a person
// who reads another better than the inviter first thought. The language
// chosen is the invitation's from then on (the server keeps it).
import * as Dropdown from "@radix-ui/react-dropdown-menu";
import { ChevronDown } from "lucide-react";
import { useTranslation } from "react-i18next";
import { languages, type Language } from "../../../lib/i18n";
import { intents } from "../../../lib/ui/form";

// The secondary Button's look, split in two halves.
const intent = intents.secondary + " text-sm font-medium disabled:opacity-50";

export function ResendButton({
  email,
  language,
  busy,
  languageName,
  onResend,
}: {
  email: string;
  language: string;
  busy: boolean;
  languageName(code: string): string;
  /** Resend; language set: in that one from now on. */
  onResend(language?: Language): void;
}) {
  const { t } = useTranslation();
  const others = languages.filter((l) => l !== language);
  return (
    <div className="flex">
      <button
        type="button"
        data-testid="invitation-resend"
        aria-label={t("users.resendWho", { email })}
        title={t("users.resendHelp")}
        disabled={busy}
        onClick={() => onResend()}
        className={intent + " rounded-l px-3 py-1.5"}
      >
        {t("users.resend")}
      </button>
      <Dropdown.Root modal={false}>
        <Dropdown.Trigger asChild>
          <button
            type="button"
            data-testid="invitation-resend-in"
            aria-label={t("users.resendInWho", { email })}
            disabled={busy}
            className={intent + " -ml-px rounded-r px-1.5 py-1.5"}
          >
            <ChevronDown size={14} aria-hidden="true" />
          </button>
        </Dropdown.Trigger>
        <Dropdown.Portal>
          <Dropdown.Content align="end" sideOffset={4} className="border-line bg-bg z-40 min-w-44 rounded-md border p-1 shadow-lg">
            {others.map((l) => (
              <Dropdown.Item
                key={l}
                data-testid={`invitation-resend-${l}`}
                onSelect={() => onResend(l)}
                className="data-[highlighted]:bg-hover cursor-default rounded px-2 py-1.5 text-sm outline-none"
              >
                {t("users.resendIn", { language: languageName(l) })}
              </Dropdown.Item>
            ))}
          </Dropdown.Content>
        </Dropdown.Portal>
      </Dropdown.Root>
    </div>
  );
}
