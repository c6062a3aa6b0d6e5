/** Number and message formatting shared by the detail view's panels. */

/** A share as a percentage: "87.3%". */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A statistic with a fixed number of decimals, "–" when it is not a finite number. */
export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

const CALL_PREFIX = /^\w+ failed \[[a-z-]+\]: /;

/** What went wrong, without the "explainImage failed [kind]: " prefix a failed call carries. */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(CALL_PREFIX, '');
}

/** The full message of a failure, prefix included. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
