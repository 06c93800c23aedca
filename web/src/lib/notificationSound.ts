// The chime the header plays when a notification arrives, if this browser
// asked for it (Your account › Notifications). The choice is the
// browser's, not the account's: a sound belongs to a desk, not a person.
const key = "switchboard.notificationSound";

export function soundOn(): boolean {
  try {
    return localStorage.getItem(key) === "on";
  } catch {
    return false;
  }
}

export function setSoundOn(on: boolean) {
  try {
    if (on) localStorage.setItem(key, "on");
    else localStorage.removeItem(key);
  } catch {
    // Storage refused (private mode): the choice lasts the page.
  }
}

/** chimeOnce chimes for notification id unless another tab of this
 * browser already did: each tab's header hears of it, the desk hears it
 * once. */
export function chimeOnce(id: number) {
  const last = `${key}.last`;
  try {
    if (Number(localStorage.getItem(last) ?? 0) >= id) return;
    localStorage.setItem(last, String(id));
  } catch {
    // No storage: this tab chimes on its own.
  }
  chime();
}

/** chime plays two short soft notes; a browser without Web Audio, or one
 * that has not let this page play sound yet, stays silent. */
export function chime() {
  const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    const start = ctx.currentTime;
    [880, 1320].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      const at = start + i * 0.12;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.26);
    });
    setTimeout(() => void ctx.close(), 600);
  } catch {
    // Autoplay refused: nothing to hear, nothing broken.
  }
}
