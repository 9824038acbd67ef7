/** One step of the schema, applied once in order; its version becomes PRAGMA user_version. */
export interface Migration {
  /** Becomes PRAGMA user_version once applied; consecutive from 1. */
  version: number;
  name: string;
  /** Additive SQL only: laptops in the field run mixed versions and share data. */
  up: string;
}
