// The conversation header's Download transcript: reads the conversation
// whole (transcript.ts) and hands the browser a text file.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Download } from "lucide-react";
import { downloadFile } from "../../../lib/download";
import type { Conversation } from "../../../lib/types";
import { useToast } from "../../../lib/ui/toast";
import type { Names } from "./eventText";
import { fetchTranscriptParts, transcriptFileName, transcriptText } from "./transcript";
import { TipButton } from "./ui";

export function TranscriptButton({ conversation, contactName, names, tz }: { conversation: Conversation; contactName: string; names: Names; tz: string }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const parts = await fetchTranscriptParts(conversation.id);
      const text = transcriptText(parts, { conversation, contactName, channelName: names.channel, names, tz, lang: i18n.language, t });
      downloadFile(transcriptFileName(conversation.id), text, "text/plain;charset=utf-8");
    } catch (e) {
      toast(t("conversation.transcript.failed", { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <TipButton tip={t("conversation.transcript.download")} data-testid="action-transcript" disabled={busy} aria-busy={busy} onClick={() => void download()}>
      <Download size={15} aria-hidden="true" />
    </TipButton>
  );
}
