// ConflictBanner: someone else saved (or published) the workflow after the
// canvas was loaded, and this editor's save, publish or restore of a
// version was refused rather than overwrite theirs. It says who and when,
// and offers to reload their version (discarding the edits, after
// confirming) or keep these (or restore the version) and overwrite theirs.
// The edits stay on the canvas until one is chosen.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../../lib/session";
import { Button } from "../../../lib/ui/form";
import { describeConflict } from "./draftConflict";
import type { DraftSave } from "./useDraftSave";
import { useWorkspaceDate } from "../../../lib/workspaceDate";

export function ConflictBanner({ draft }: { draft: DraftSave }) {
  const { t } = useTranslation();
  const me = useMe();
  const date = useWorkspaceDate();
  const [confirming, setConfirming] = useState(false);
  const c = draft.conflict;
  if (!c) return null;
  const text = describeConflict(c, me.user?.id);
  const who =
    text.by.kind === "user" ? text.by.name : text.by.kind === "you" ? t("builderCanvas.conflict.byYou") : t("builderCanvas.conflict.byUnknown");
  const when = text.at ? date(text.at) : undefined;
  const reload = () => {
    setConfirming(false);
    draft.reload();
  };
  return (
    <div role="alert" data-testid="builder-conflict" className="border-line bg-note border-b px-4 py-2 text-sm">
      <p className="text-danger font-medium">
        {text.published ? t("builderCanvas.conflict.publishedTitle") : t("builderCanvas.conflict.savedTitle")}
      </p>
      <p className="text-muted mt-0.5" data-testid="builder-conflict-who">
        {when ? t("builderCanvas.conflict.lastChangeAt", { who, when }) : t("builderCanvas.conflict.lastChange", { who })}{" "}
        {c.action === "publish"
          ? t("builderCanvas.conflict.notPublished")
          : c.action === "restore" && c.restore
            ? t("builderCanvas.conflict.notRestored", { version: c.restore.version })
            : t("builderCanvas.conflict.notSaved")}
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        {confirming ? (
          <>
            <span className="font-medium">{t("builderCanvas.conflict.confirmReload")}</span>
            <Button intent="danger" data-testid="builder-conflict-discard" onClick={reload}>
              {t("builderCanvas.conflict.discard")}
            </Button>
            <Button onClick={() => setConfirming(false)}>{t("builderCanvas.cancel")}</Button>
          </>
        ) : (
          <>
            {c.theirs && (
              // Nothing to lose when the canvas holds no edits: no confirmation then.
              <Button data-testid="builder-conflict-reload" onClick={() => (draft.dirty ? setConfirming(true) : reload())}>
                {t("builderCanvas.conflict.reload")}
              </Button>
            )}
            <Button intent="primary" data-testid="builder-conflict-overwrite" disabled={draft.saving || draft.publishing} onClick={draft.overwrite}>
              {c.action === "restore" && c.restore
                ? t("builderCanvas.conflict.restoreOver", { version: c.restore.version })
                : t("builderCanvas.conflict.overwrite")}
            </Button>
          </>
        )}
      </div>
    </div>
  );
}
