import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import "../../../lib/i18n";
import { Timeline } from "./Timeline";
import { mergeTimeline } from "./timeline";
import type { Names } from "./eventText";
import type { Comment, User } from "../../../lib/types";

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

const names: Names = { user: (id) => (id === 2 ? "Ana" : id === 3 ? "Bo" : undefined), team: () => undefined, workflow: () => undefined, contact: "Ada", time: (s) => s };
const note = (extra: Partial<Comment> = {}): Comment => ({
  id: 5,
  conversation_id: 9,
  user_id: 2,
  text: "card charged twice",
  mentions: [],
  created_at: "2026-01-01T10:00:00Z",
  ...extra,
});

const teammate = (id: number, name: string, extra: Partial<User> = {}) => ({ id, name, email: `${name.toLowerCase()}@acme.test`, ...extra }) as User;
const users = [teammate(2, "Ana"), teammate(3, "Bo Chen"), teammate(4, "Bob Gone", { deactivated_at: "2026-01-01T00:00:00Z" })];

/** show renders one comment as the member myID sees it (a manager when any is true). */
function show(c: Comment, myID: number, any = false, editingComment: number | null = null) {
  const onEdit = vi.fn(async () => true);
  const onDelete = vi.fn();
  const onEditingStarted = vi.fn();
  const onEditingEnded = vi.fn();
  render(
    <Timeline
      items={mergeTimeline({ comments: [c] })}
      names={names}
      tz="UTC"
      contactName="Ada"
      myID={myID}
      canRetry={false}
      onRetry={() => {}}
      onResend={() => {}}
      onDiscard={() => {}}
      onEditComment={onEdit}
      users={users}
      onDeleteComment={onDelete}
      canDeleteAnyComment={any}
      editingComment={editingComment}
      onEditingStarted={onEditingStarted}
      onEditingEnded={onEditingEnded}
    />,
  );
  return { onEdit, onDelete, onEditingStarted, onEditingEnded };
}

afterEach(cleanup);

describe("CommentItem", () => {
  it("offers its author to edit and delete it, a manager to delete it, another agent neither", () => {
    show(note(), 2);
    expect(screen.getByTestId("comment-edit")).toBeTruthy();
    expect(screen.getByTestId("comment-delete")).toBeTruthy();
    cleanup();
    show(note(), 3, true);
    expect(screen.queryByTestId("comment-edit")).toBeNull();
    expect(screen.getByTestId("comment-delete")).toBeTruthy();
    cleanup();
    show(note(), 3);
    expect(screen.queryByTestId("comment-edit")).toBeNull();
    expect(screen.queryByTestId("comment-delete")).toBeNull();
  });

  it("rewrites in place: saves the trimmed text, Escape leaves it as it was", async () => {
    const { onEdit } = show(note(), 2);
    fireEvent.click(screen.getByTestId("comment-edit"));
    const box = screen.getByTestId("comment-edit-text") as HTMLTextAreaElement;
    expect(box.value).toBe("card charged twice");
    fireEvent.change(box, { target: { value: "something else" } });
    fireEvent.keyDown(box, { key: "Escape" });
    expect(screen.queryByTestId("comment-edit-text")).toBeNull();
    expect(onEdit).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId("comment-edit"));
    fireEvent.change(screen.getByTestId("comment-edit-text"), { target: { value: "  refunded  " } });
    fireEvent.click(screen.getByTestId("comment-save"));
    await waitFor(() => expect(screen.queryByTestId("comment-edit-text")).toBeNull());
    expect(onEdit).toHaveBeenCalledWith(expect.objectContaining({ id: 5 }), "refunded", []);
  });

  it("offers the active teammates after @ and passes on the one chosen", async () => {
    const { onEdit } = show(note(), 2);
    fireEvent.click(screen.getByTestId("comment-edit"));
    const box = screen.getByTestId("comment-edit-text") as HTMLTextAreaElement;
    const type = (v: string) => {
      fireEvent.change(box, { target: { value: v, selectionStart: v.length, selectionEnd: v.length } });
    };
    type("card charged twice, @bo");
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual(["Bo Chen bo chen@acme.test"]);
    expect(box.getAttribute("aria-activedescendant")).toBe("comment-edit-picker-0");
    // Escape closes the list, not the editor.
    fireEvent.keyDown(box, { key: "Escape" });
    expect(screen.queryByRole("listbox")).toBeNull();
    expect(screen.getByTestId("comment-edit-text")).toBeTruthy();
    type("card charged twice, @b");
    expect(screen.getAllByRole("option")).toHaveLength(1);
    fireEvent.keyDown(box, { key: "Enter" });
    expect(box.value).toBe("card charged twice, @Bo Chen ");
    expect(screen.queryByRole("listbox")).toBeNull();
    fireEvent.keyDown(box, { key: "Enter", ctrlKey: true });
    await waitFor(() => expect(onEdit).toHaveBeenCalled());
    expect(onEdit).toHaveBeenCalledWith(expect.objectContaining({ id: 5 }), "card charged twice, @Bo Chen", [{ id: 3, name: "Bo Chen" }]);
  });

  it("keeps the editor open when the server refused the edit", async () => {
    const { onEdit } = show(note(), 2);
    onEdit.mockResolvedValueOnce(false);
    fireEvent.click(screen.getByTestId("comment-edit"));
    fireEvent.change(screen.getByTestId("comment-edit-text"), { target: { value: "refunded" } });
    fireEvent.click(screen.getByTestId("comment-save"));
    await waitFor(() => expect(onEdit).toHaveBeenCalled());
    expect((screen.getByTestId("comment-edit-text") as HTMLTextAreaElement).value).toBe("refunded");
  });

  it("deletes only once asked twice", () => {
    const { onDelete } = show(note(), 2);
    fireEvent.click(screen.getByTestId("comment-delete"));
    expect(onDelete).not.toHaveBeenCalled();
    expect(screen.getByRole("alert").textContent).toContain("Delete this comment for everyone?");
    fireEvent.click(screen.getByTestId("comment-delete-confirm"));
    expect(onDelete).toHaveBeenCalledWith(expect.objectContaining({ id: 5 }));
  });

  it("opens its editor when asked (↑ in the composer), for its author only, and gives the focus back once closed", () => {
    const asked = show(note(), 2, false, 5);
    expect(asked.onEditingStarted).toHaveBeenCalled();
    const box = screen.getByTestId("comment-edit-text") as HTMLTextAreaElement;
    expect(document.activeElement).toBe(box);
    fireEvent.keyDown(box, { key: "Escape" });
    expect(asked.onEditingEnded).toHaveBeenCalled();
    cleanup();
    const other = show(note(), 3, true, 5);
    expect(other.onEditingStarted).toHaveBeenCalled();
    expect(screen.queryByTestId("comment-edit-text")).toBeNull();
  });

  it("says it was edited", () => {
    show(note({ edited_at: "2026-01-01T10:05:00Z" }), 3);
    expect(screen.getByTestId("comment-edited").textContent).toBe("edited");
  });
});
