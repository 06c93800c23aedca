// Focus targets the palette's commands reach without holding a ref.
import { openFilterMenu } from "../list/FilterMenu";

export const SEARCH_INPUT_ID = "conversation-search";

export function focusSearch() {
  // After the palette closed and gave focus back.
  setTimeout(() => {
    const el = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
    el?.focus();
    el?.select();
  }, 0);
}

export function openFilter() {
  // After the palette closed: its closing gives the focus back, which
  // would otherwise land outside the panel just opened.
  setTimeout(openFilterMenu, 0);
}
