// EditUserDialog: one person's role, teams, capacity and visibility
// restrictions, and deactivating or reactivating them. Each part saves
// through its own route (PATCH user, PATCH team members, PUT capacity);
// the server's field errors show under the field they name.
import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useMe } from "../../../lib/session";
import { Button, Field, Select, TextInput } from "../../../lib/ui/form";
import { useToast } from "../../../lib/ui/toast";
import type { Presence, Team, User } from "../../../lib/types";
import { DialogFrame } from "./InviteDialog";

type Perms = { see_all_conversations: boolean; export_contacts: boolean; delete_contacts: boolean };
const permKeys: (keyof Perms)[] = ["see_all_conversations", "export_contacts", "delete_contacts"];

export function EditUserDialog({ user, presence, teams, onClose }: { user: User; presence?: Presence; teams: Team[]; onClose(): void }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const isOwner = me.role === "owner";
  const self = user.id === me.user?.id;
  const [role, setRole] = useState<string>(user.role);
  const [teamIDs, setTeamIDs] = useState<number[]>(user.team_ids);
  const [capacity, setCapacity] = useState(presence?.capacity_override != null ? String(presence.capacity_override) : "");
  const [override, setOverride] = useState(!!user.permissions);
  const [perms, setPerms] = useState<Perms>(
    user.permissions ?? { see_all_conversations: user.role !== "agent", export_contacts: user.role !== "agent", delete_contacts: user.role !== "agent" },
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  function refresh() {
    void qc.invalidateQueries({ queryKey: qk.users });
    void qc.invalidateQueries({ queryKey: qk.teams });
    void qc.invalidateQueries({ queryKey: qk.presence });
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const patch: Record<string, unknown> = {};
      if (isOwner && role !== user.role) patch.role = role;
      if (isOwner) {
        const was = user.permissions ? JSON.stringify(user.permissions) : "null";
        const now = override ? JSON.stringify(perms) : "null";
        if (was !== now) patch.permissions = override ? perms : null;
      }
      if (Object.keys(patch).length > 0) await api.patch(`/api/v1/users/${user.id}`, patch);
      const wasCap = presence?.capacity_override != null ? String(presence.capacity_override) : "";
      if (capacity.trim() !== wasCap) {
        const n = capacity.trim() === "" ? null : Number(capacity);
        if (n !== null && !Number.isInteger(n)) throw new ApiError(422, "invalid", t("users.capacityWhole"), "capacity");
        await api.put(`/api/v1/users/${user.id}/capacity`, { capacity: n });
      }
      // Team membership lives on teams: change only the teams whose
      // membership of this person changed.
      for (const tm of teams) {
        const was = tm.member_ids.includes(user.id);
        const now = teamIDs.includes(tm.id);
        if (was === now) continue;
        const members = now ? [...tm.member_ids, user.id] : tm.member_ids.filter((id) => id !== user.id);
        await api.patch(`/api/v1/teams/${tm.id}`, { member_ids: members });
      }
      refresh();
      toast(t("users.saved"), "info");
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, "network", t("users.failed")));
      refresh();
    } finally {
      setBusy(false);
    }
  }

  async function setActive(active: boolean) {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/users/${user.id}/${active ? "reactivate" : "deactivate"}`);
      refresh();
      toast(active ? t("users.reactivated", { name: user.name }) : t("users.deactivatedToast", { name: user.name }), "info");
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, "network", t("users.failed")));
    } finally {
      setBusy(false);
    }
  }

  const general = error && !["role", "capacity", "permissions", "member_ids"].includes(error.field ?? "") ? error.message : "";
  const deactivated = !!user.deactivated_at;
  return (
    <DialogFrame title={t("users.editTitle", { name: user.name })} onClose={onClose} testid="edit-user-dialog">
      <form onSubmit={(e) => void save(e)} className="flex flex-col gap-4">
        <p className="text-muted -mt-2 text-sm">{user.email}</p>
        <Field label={t("users.role")} error={error?.forField("role")} hint={isOwner ? undefined : t("users.roleOwnersOnly")}>
          {(id, d) => (
            <Select id={id} value={role} disabled={!isOwner} aria-describedby={d} data-testid="edit-role" onChange={(e) => setRole(e.target.value)}>
              <option value="agent">{t("users.roles.agent")}</option>
              <option value="manager">{t("users.roles.manager")}</option>
              <option value="owner">{t("users.roles.owner")}</option>
            </Select>
          )}
        </Field>
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-medium">{t("users.teams")}</legend>
          {teams.length === 0 && <p className="text-muted text-sm">{t("users.noTeams")}</p>}
          {teams.map((tm) => (
            <label key={tm.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                data-testid={`edit-team-${tm.id}`}
                checked={teamIDs.includes(tm.id)}
                onChange={(e) => setTeamIDs((ids) => (e.target.checked ? [...ids, tm.id] : ids.filter((x) => x !== tm.id)))}
              />
              {tm.name}
            </label>
          ))}
          {error?.forField("member_ids") && <p className="text-danger text-xs">{error.forField("member_ids")}</p>}
        </fieldset>
        <Field
          label={t("users.capacity")}
          error={error?.forField("capacity")}
          hint={t("users.capacityHelp")}
        >
          {(id, d) => (
            <TextInput
              id={id}
              inputMode="numeric"
              value={capacity}
              placeholder={t("users.default")}
              aria-describedby={d}
              aria-invalid={!!error?.forField("capacity")}
              data-testid="edit-capacity"
              onChange={(e) => {
                setCapacity(e.target.value);
                if (error?.forField("capacity")) setError(null);
              }}
              className="w-32"
            />
          )}
        </Field>
        <fieldset className="flex flex-col gap-1" disabled={!isOwner}>
          <legend className="mb-1 text-sm font-medium">{t("users.visibility")}</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" data-testid="edit-override" checked={override} onChange={(e) => setOverride(e.target.checked)} />
            {t("users.override")}
          </label>
          <div className={"ml-6 flex flex-col gap-1 " + (override ? "" : "opacity-50")}>
            {permKeys.map((k) => (
              <label key={k} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  disabled={!override}
                  checked={perms[k]}
                  onChange={(e) => setPerms((p) => ({ ...p, [k]: e.target.checked }))}
                />
                {t(`users.perms.${k}`)}
              </label>
            ))}
          </div>
          <p className="text-muted text-xs">{isOwner ? t("users.overrideHelp") : t("users.permsOwnersOnly")}</p>
          {error?.forField("permissions") && <p className="text-danger text-xs">{error.forField("permissions")}</p>}
        </fieldset>
        {general && (
          <p role="alert" className="text-danger text-sm" data-testid="edit-error">
            {general}
          </p>
        )}
        <div className="border-line flex items-center gap-2 border-t pt-3">
          {!self &&
            (deactivated ? (
              <Button disabled={busy} data-testid="user-reactivate" onClick={() => void setActive(true)}>
                {t("users.reactivate")}
              </Button>
            ) : (
              <Button intent="danger" disabled={busy} data-testid="user-deactivate" onClick={() => void setActive(false)}>
                {t("users.deactivate")}
              </Button>
            ))}
          <span className="flex-1" />
          <Button onClick={onClose}>{t("users.cancel")}</Button>
          <Button intent="primary" type="submit" disabled={busy} data-testid="edit-save">
            {t("users.save")}
          </Button>
        </div>
      </form>
    </DialogFrame>
  );
}
