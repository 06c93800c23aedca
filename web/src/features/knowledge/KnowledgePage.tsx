// KnowledgePage (/knowledge): the workspace's knowledge base — articles and
// sources (owners and managers edit) beside the search box that shows what
// the AI would retrieve for a question (everyone).
import { useTranslation } from "react-i18next";
import { useMe } from "../../lib/session";
import { Articles } from "./Articles";
import { SearchPanel } from "./SearchPanel";
import { Sources } from "./Sources";

export default function KnowledgePage() {
  const { t } = useTranslation();
  const me = useMe();
  const canEdit = me.role === "owner" || me.role === "manager";
  return (
    <div className="h-full overflow-y-auto" data-testid="knowledge-page">
      <div className="mx-auto grid max-w-7xl grid-cols-1 gap-6 p-6 lg:grid-cols-[minmax(0,1fr)_26rem]">
        <div className="min-w-0">
          <h1 className="mb-1 text-xl font-semibold">{t("knowledge.title")}</h1>
          <p className="text-muted mb-4 text-sm">{t("knowledge.description")}</p>
          <Articles canEdit={canEdit} />
          {canEdit && <Sources />}
        </div>
        <div className="lg:sticky lg:top-6 lg:self-start">
          <SearchPanel />
        </div>
      </div>
    </div>
  );
}
