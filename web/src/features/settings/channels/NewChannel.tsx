// NewChannel: add a channel of any type whose settings are its schema's
// fields (the website widget has its own form): the type, a name, the
// fields (secrets as password inputs), then what the provider said when
// the channel was registered with it, for the types that connect.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { Button, Field, Section, Select, TextInput } from "../../../lib/ui/form";
import type { Channel } from "../../../lib/types";
import { fieldError, generalError } from "../workspace/common";
import { useChannelTypes } from "../../../lib/directory";
import { ConfigFields, configOf, ConnectionResult, initialValues } from "./GenericChannelSettings";

/** Types with a creation form of their own, not offered here. */
const ownForm = new Set(["widget"]);

export function NewChannel({ onCreated }: { onCreated: (c: Channel & { token: string }) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const types = (useChannelTypes().data?.items ?? []).filter((x) => !ownForm.has(x.type));
  const [typ, setTyp] = useState("");
  const chosen = types.find((x) => x.type === typ) ?? types[0];
  const fields = chosen?.schema.fields ?? [];
  const [name, setName] = useState("");
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      api.post<Channel & { token: string }>("/api/v1/channels", {
        type: chosen?.type,
        name,
        config: configOf(fields, { ...initialValues(fields, {}), ...values }, secrets),
      }),
    onSuccess: (c) => {
      onCreated(c);
      setName("");
      setValues({});
      setSecrets({});
      qc.invalidateQueries({ queryKey: qk.channels });
    },
  });
  const err = create.error;
  const known = ["name", "type", "config", ...fields.map((f) => "config." + f.name)];
  if (!chosen) return null;
  return (
    <Section title={t("channelsSettings.generic.new")} description={t("channelsSettings.generic.newHint")}>
      <form
        className="grid grid-cols-2 gap-4"
        data-testid="new-channel"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label={t("channelsSettings.generic.type")} error={fieldError(err, "type")}>
          {(id, d) => (
            <Select
              id={id}
              aria-describedby={d}
              data-testid="new-channel-type"
              value={chosen.type}
              onChange={(e) => {
                setTyp(e.target.value);
                setValues({});
                setSecrets({});
                create.reset();
              }}
            >
              {types.map((x) => (
                <option key={x.type} value={x.type}>
                  {t(`channelsSettings.types.${x.type}`, { defaultValue: x.type })}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label={t("channelsSettings.name")} error={fieldError(err, "name")}>
          {(id, d) => (
            <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "name")} data-testid="new-channel-name" value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <div className="col-span-2 grid grid-cols-2 gap-4" key={chosen.type}>
          <ConfigFields
            fields={fields}
            values={{ ...initialValues(fields, {}), ...values }}
            onValue={(n, v) => setValues((all) => ({ ...all, [n]: v }))}
            secrets={secrets}
            onSecret={(n, v) => setSecrets((all) => ({ ...all, [n]: v }))}
            error={err}
          />
        </div>
        {generalError(err, known) && (
          <p role="alert" className="text-danger col-span-2 text-sm">
            {generalError(err, known)}
          </p>
        )}
        <div className="col-span-2 flex flex-col gap-2">
          <div>
            <Button intent="primary" type="submit" disabled={create.isPending} data-testid="new-channel-create">
              {t("channelsSettings.create")}
            </Button>
          </div>
          {create.data && <ConnectionResult c={create.data.connection} />}
        </div>
      </form>
    </Section>
  );
}
