/**
 * The condition of the partial kind index (migration 7): the kinds most entries are, `melding` and
 * `beeld`, are not in it. SQLite uses a partial index only for a query whose WHERE clause contains
 * that condition, so every query that should read the kind index adds it (a test checks each plan,
 * and that this text is the index's own).
 */
export const KIND_INDEX_CONDITION = "kind NOT IN ('melding', 'beeld')";

/**
 * The incident condition of a query that reads the kind index, whose key since migration 8 is
 * (kind, pos, incident). The unary + keeps SQLite from reading the incident index instead, which it
 * would otherwise pick for the equality: that reads every row of the incident to find the few of one
 * kind, where the kind index reads that kind's keys newest first and checks the incident in the key.
 * Bind the incident id as hex; `table` qualifies the column.
 */
export function kindIndexIncident(table?: string): string {
  return `+${table === undefined ? '' : `${table}.`}incident = unhex(?)`;
}

const UNINDEXED_KINDS: ReadonlySet<string> = new Set(['melding', 'beeld']);

/** Whether the kind index holds entries of this kind; a list of another kind reads the incident index. */
export function kindIsIndexed(kind: string): boolean {
  return !UNINDEXED_KINDS.has(kind);
}

/**
 * As kindIndexIncident(), for several incidents at once: bind their ids (hex) as one JSON array.
 * The condition is checked in the kind index's key, which is read once for all of them.
 */
export const IN_INCIDENTS = '+incident IN (SELECT unhex(value) FROM json_each(?))';
