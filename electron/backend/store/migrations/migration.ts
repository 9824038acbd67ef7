/** One step of the schema, applied once in order; its version becomes PRAGMA user_version. */
export interface Migration {
  /** Becomes PRAGMA user_version once applied; consecutive from 1. */
  version: number;
  name: string;
  /**
   * Additive SQL: nothing stored is dropped or changed, since laptops in the field run mixed
   * versions and share data. A table may be rebuilt (same rows, same rowids) when the file must
   * change shape for another reader, as migration 5 does for SQLite 3.31.
   */
  up: string;
}
