/** Guards for reading resource fields that may not have their R4 shape. */
export const arr = <T>(v: T[] | T | undefined | null): T[] => (Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined) : []);
export const codingsOf = (cc: unknown): { system?: unknown; code?: unknown; display?: unknown }[] => {
  const c = cc && typeof cc === 'object' ? (cc as { coding?: unknown }).coding : undefined;
  return Array.isArray(c) ? c.filter((x): x is { system?: unknown; code?: unknown; display?: unknown } => x !== null && typeof x === 'object') : [];
};
