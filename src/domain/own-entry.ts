// Looking up a table by a key someone else chose (a webhook topic, a vendor status or field name, a URL segment).
// Pure module: workflows import it.

/**
 * `table[key]` when `key` is one of the table's own keys, else undefined. A plain lookup answers `constructor`,
 * `toString` or `__proto__` with what every object inherits, which code downstream then takes for a table entry.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
