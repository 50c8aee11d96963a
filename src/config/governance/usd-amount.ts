/**
 * Amounts of money as the gateway counts them: exact integers of nano-USD. Apart from the config schema (no zod
 * here), so the process that holds the spend (the primary) converts amounts without loading the validation code.
 */

/** Dollars as written (a number or a decimal string, `"20"`, `"0.50"`), to exact nano-USD. */
export function usdToNano(value: number | string): number | undefined {
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (match === null) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? "").padEnd(9, "0"));
  const nano = whole * 1e9 + fraction;
  return Number.isSafeInteger(nano) ? nano : undefined;
}

/**
 * Nano-USD as a decimal string of dollars, without trailing zeros (`1500000000` -> `"1.5"`). Integer arithmetic,
 * no regular expression: it runs twice on every priced answer (its cost header and its usage record).
 */
export function nanoToUsd(nano: number): string {
  const sign = nano < 0 ? "-" : "";
  const magnitude = Math.abs(nano);
  const whole = Math.floor(magnitude / 1e9);
  let fraction = magnitude % 1e9;
  if (fraction === 0) return `${sign}${whole}`;
  let digits = 9;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  return `${sign}${whole}.${String(fraction).padStart(digits, "0")}`;
}
