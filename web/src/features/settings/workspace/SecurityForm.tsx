// SecurityForm: the workspace's sign-in rule, owners only — require
// two-factor sign-in of every member. A member without it then reaches
// only their account page, to set it up; the owner must have it first.
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { useMe, useSession } from "../../../lib/session";
import { Button, Section } from "../../../lib/ui/form";
import { fieldError, generalError } from "./common";

export function SecurityForm() {
  const { t } = useTranslation();
  const me = useMe();
  const { refresh } = useSession();
  const [required, setRequired] = useState(me.workspace.require_two_factor);
  const save = useMutation({
    mutationFn: () => api.patch("/api/v1/workspace", { require_two_factor: required }),
    onSuccess: () => refresh().catch(() => {}),
  });
  if (me.role !== "owner") return null;
  const err = save.error;
  // Said under the checkbox, which names the setting: without the API's field prefix.
  const problem = fieldError(err, "require_two_factor") ?? generalError(err, ["require_two_factor"]);
  return (
    <Section title={t("workspaceSettings.security.title")} description={t("workspaceSettings.security.description")}>
      <form
        className="flex flex-col gap-3"
        aria-label={t("workspaceSettings.security.title")}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" className="mt-0.5" checked={required} onChange={(e) => setRequired(e.target.checked)}
            data-testid="require-two-factor" />
          <span>
            {t("workspaceSettings.security.require")}
            <span className="text-muted block text-xs">{t("workspaceSettings.security.requireHelp")}</span>
          </span>
        </label>
        {problem && (
          <p role="alert" className="text-danger text-sm">
            {problem}
          </p>
        )}
        <div>
          <Button intent="primary" type="submit" disabled={save.isPending || required === me.workspace.require_two_factor}
            data-testid="security-save">
            {t("workspaceSettings.common.save")}
          </Button>
        </div>
      </form>
    </Section>
  );
}
