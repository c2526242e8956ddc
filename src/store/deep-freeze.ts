// A status kept in memory and handed out by reference must not change under its readers (nor be
// changed by them): freezing makes a stray write throw instead of corrupting the store.

export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}
