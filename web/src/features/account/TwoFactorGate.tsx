// TwoFactorGate: what a member sees of a workspace that requires
// two-factor sign-in while they have not turned it on — why, the set-up
// itself, and a way out. The server answers their session nothing else
// (403 two_factor_setup_required); the app opens once the recovery codes
// were kept.
import { useTranslation } from "react-i18next";
import { useMe, useSession } from "../../lib/session";
import { TwoFactorSection } from "./TwoFactorSection";

export default function TwoFactorGate({ onKept }: { onKept(): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const { signOut } = useSession();
  return (
    <main className="bg-panel flex min-h-full justify-center overflow-y-auto p-6" data-testid="two-factor-gate">
      <div className="w-full max-w-2xl">
        <h1 className="mb-1 text-xl font-semibold">{t("account.gate.title")}</h1>
        <p className="text-muted mb-4 text-sm">{t("account.gate.body", { workspace: me.workspace.name })}</p>
        <TwoFactorSection onKept={onKept} />
        <button type="button" className="text-accent text-sm underline" onClick={() => void signOut()} data-testid="two-factor-gate-sign-out">
          {t("account.gate.signOut")}
        </button>
      </div>
    </main>
  );
}
