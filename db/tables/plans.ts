import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Milestone, Plan, PlanItem, Recurrence, Target } from '../../domain/plan';

/** A plan, identified by its title (the scheme's name); its content lives in versions. */
export interface PlansTable {
  id: Generated<number>;
  title: string;
  created_at: ColumnType<Date, string | undefined, never>;
}

/** One imported revision of a plan document; `document` is the whole parsed Plan. */
export interface PlanVersionsTable {
  id: Generated<number>;
  plan_id: number;
  version: number;
  /** sha256 of the normalized document text: re-importing the same text is a no-op. */
  content_hash: string;
  source_name: string;
  issuer: string | null;
  issued_on: string | null;
  document: JSONColumnType<Plan>;
  item_count: number;
  warning_count: number;
  imported_at: ColumnType<Date, string | undefined, never>;
}

/** The items of a version, one row each, for queries by kind, unit or key. */
export interface PlanItemsTable {
  id: Generated<number>;
  plan_version_id: number;
  item_id: string;
  /** Renumbering-proof identity (hash of kind and normalized text), shared by an item across versions. */
  item_key: string;
  position: number;
  kind: PlanItem['kind'];
  path: JSONColumnType<string[]>;
  title: string | null;
  text: string;
  units: JSONColumnType<string[]>;
  targets: JSONColumnType<Target[]>;
  milestones: JSONColumnType<Milestone[]>;
  recurrence: JSONColumnType<Recurrence | null>;
  source_line: number;
}

/**
 * Every responsible unit any plan has named, and the bodies below them (多级下发): a body's
 * `parent` is the unit or body above it; a unit a plan names has none.
 */
export interface UnitsTable {
  name: string;
  parent: ColumnType<string | null, string | null | undefined, never>;
  first_seen_at: ColumnType<Date, string | undefined, never>;
}

/** The unit registry of a version, in order of first appearance. */
export interface PlanVersionUnitsTable {
  plan_version_id: number;
  unit_name: string;
  position: number;
}

export interface PlanTables {
  plans: PlansTable;
  plan_versions: PlanVersionsTable;
  plan_items: PlanItemsTable;
  units: UnitsTable;
  plan_version_units: PlanVersionUnitsTable;
}
