// CopyField shows a secret or link read-only with a Copy button.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button, Field, TextInput } from "../../../lib/ui/form";
import { useToast } from "../../../lib/ui/toast";

export function CopyField({ label, value, testid }: { label: string; value: string; testid: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      toast(t("users.copyFailed"));
    }
  }
  return (
    <Field label={label}>
      {(id) => (
        <div className="flex gap-2">
          <TextInput id={id} readOnly value={value} data-testid={testid} className="flex-1 font-mono text-xs" onFocus={(e) => e.target.select()} />
          <Button intent="primary" data-testid={testid + "-copy"} onClick={() => void copy()}>
            {copied ? t("users.copied") : t("users.copy")}
          </Button>
        </div>
      )}
    </Field>
  );
}
