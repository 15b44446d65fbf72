// Record ids as they arrive from outside (a URL path, a button value): a positive integer, or nothing.

/** The id written in `value`, or null when it cannot name a record ("abc", "0", "-1", 20 digits). */
export function parseId(value: unknown): number | null {
  const id = typeof value === 'string' && /^\d{1,9}$/u.test(value) ? Number(value) : NaN;
  return id > 0 ? id : null;
}
