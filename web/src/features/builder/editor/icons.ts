// Each step type's icon, and the groups of the step picker.
import {
  CalendarClock,
  CircleCheck,
  CornerUpLeft,
  Globe,
  Sparkles,
  Hourglass,
  type LucideIcon,
  MessageSquare,
  MessageSquarePlus,
  MessagesSquare,
  Milestone,
  PenLine,
  Split,
  StickyNote,
  Tag,
  UserPlus,
  Workflow,
  Zap,
} from "lucide-react";

export const STEP_ICONS: Record<string, LucideIcon> = {
  send_message: MessageSquare,
  ask_question: MessagesSquare,
  branch: Split,
  assign_to: UserPlus,
  update_contact_field: PenLine,
  update_contact_tag: Tag,
  update_lifecycle: Milestone,
  open_conversation: MessageSquarePlus,
  close_conversation: CircleCheck,
  add_comment: StickyNote,
  wait: Hourglass,
  jump_to: CornerUpLeft,
  date_time: CalendarClock,
  http_request: Globe,
  classify: Sparkles,
  trigger_workflow: Workflow,
};

export const TRIGGER_ICON = Zap;

export function iconOf(type: string): LucideIcon {
  return STEP_ICONS[type] ?? Workflow;
}

/** The step picker's groups, in order; a type the server knows and this list does not goes to "other". */
export const STEP_GROUPS: { key: string; types: string[] }[] = [
  { key: "messaging", types: ["send_message", "ask_question", "add_comment"] },
  { key: "routing", types: ["assign_to", "open_conversation", "close_conversation"] },
  { key: "contact", types: ["update_contact_field", "update_contact_tag", "update_lifecycle"] },
  { key: "logic", types: ["branch", "classify", "wait", "date_time", "jump_to"] },
  { key: "integrations", types: ["http_request", "trigger_workflow"] },
];

export function groupTypes(types: string[]): { key: string; types: string[] }[] {
  const known = new Set(STEP_GROUPS.flatMap((g) => g.types));
  const groups = STEP_GROUPS.map((g) => ({ key: g.key, types: g.types.filter((t) => types.includes(t)) }));
  const other = types.filter((t) => !known.has(t));
  if (other.length) groups.push({ key: "other", types: other });
  return groups.filter((g) => g.types.length);
}
