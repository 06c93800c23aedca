// TeamsSettings: the workspace's teams — create, rename, add and remove
// members (saved at once, rolled back with a toast if refused), set a
// team's own business calendar, delete.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useTeams, useUsers } from "../../../lib/directory";
import { Button, Section } from "../../../lib/ui/form";
import type { Team } from "../../../lib/types";
import { ConfirmDelete, InlineName, NewByName, SkeletonRows, useListMutation } from "../workspace/common";
import { TeamCalendar } from "./TeamCalendar";

export default function TeamsSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const teams = useTeams();
  const users = useUsers();
  const [name, setName] = useState("");
  const [open, setOpen] = useState<number | null>(null);
  const create = useMutation({
    mutationFn: () => api.post<Team>("/api/v1/teams", { name }),
    onSuccess: (team) => {
      setName("");
      setOpen(team.id);
      qc.invalidateQueries({ queryKey: qk.teams });
    },
  });
  const update = useListMutation<Team, { id: number; name?: string; member_ids?: number[] }>(
    qk.teams,
    ({ id, ...body }) => api.patch(`/api/v1/teams/${id}`, body),
    (items, v) => items.map((x) => (x.id === v.id ? { ...x, ...v } : x)),
  );
  const remove = useListMutation<Team, number>(qk.teams, (id) => api.del(`/api/v1/teams/${id}`), (items, id) => items.filter((x) => x.id !== id));
  const people = users.data?.data ?? [];
  return (
    <div data-testid="settings-teams">
      <h1 className="mb-4 text-xl font-semibold">{t("teamsSettings.title")}</h1>
      <Section title={t("teamsSettings.all")}>
        {teams.isLoading ? (
          <SkeletonRows />
        ) : (
          <ul className="divide-line flex flex-col divide-y">
            {(teams.data?.data ?? []).map((team) => (
              <li key={team.id} className="py-2" data-testid="team-row" data-team-name={team.name}>
                <div className="flex items-center gap-2">
                  <InlineName value={team.name} label={t("teamsSettings.rename", { name: team.name })} onSave={(n) => update.mutate({ id: team.id, name: n })} />
                  <Button aria-expanded={open === team.id} onClick={() => setOpen(open === team.id ? null : team.id)}>
                    {t("teamsSettings.members", { count: team.member_ids.length })}
                  </Button>
                  <ConfirmDelete label={t("teamsSettings.delete", { name: team.name })} onConfirm={() => remove.mutate(team.id)} />
                </div>
                {open === team.id && (
                  <fieldset className="mt-2 ml-2 grid grid-cols-2 gap-1">
                    <legend className="text-muted mb-1 text-xs">{t("teamsSettings.membersOf", { name: team.name })}</legend>
                    {people.map((u) => {
                      const member = team.member_ids.includes(u.id);
                      return (
                        <label key={u.id} className="flex items-center gap-2 text-sm">
                          <input
                            type="checkbox"
                            checked={member}
                            onChange={() =>
                              update.mutate({
                                id: team.id,
                                member_ids: member ? team.member_ids.filter((x) => x !== u.id) : [...team.member_ids, u.id],
                              })
                            }
                          />
                          {u.name} <span className="text-muted text-xs">{u.email}</span>
                        </label>
                      );
                    })}
                  </fieldset>
                )}
                {open === team.id && <TeamCalendar key={team.id} team={team} />}
              </li>
            ))}
            {teams.data?.data.length === 0 && <li className="text-muted text-sm">{t("teamsSettings.none")}</li>}
          </ul>
        )}
      </Section>
      <NewByName
        title={t("teamsSettings.new")}
        label={t("teamsSettings.name")}
        submit={t("teamsSettings.create")}
        error={create.error}
        pending={create.isPending}
        name={name}
        onName={setName}
        onSubmit={() => create.mutate()}
      />
    </div>
  );
}
