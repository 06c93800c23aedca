// A closing time of day ("HH:MM") may be 24:00, the end of the day, which
// the server takes for business hours and a Date & Time step's periods.
// The browser's time input cannot hold 24:00: the end of the day is shown
// and picked as 00:00, which as a closing time cannot mean anything else
// (nothing closes before it opens).

export function closingInputValue(close: string): string {
  return close === "24:00" ? "00:00" : close;
}

export function closingFromInput(value: string): string {
  return value === "00:00" ? "24:00" : value;
}
