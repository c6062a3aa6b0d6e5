/** The store: SQLite, the only module that speaks SQL. */
export { StoreError, type StoreErrorKind } from './errors';
export { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations';
export { openStore, type OpenOptions } from './open';
export type { AuditRow, JobPatch, JobRow, NewJob, SizeReport, StoredError, SyncCounts } from './rows';
export { Store } from './store';
export type * from './types';
export type { GridScope, TileRow } from './review-grid';
export type { ImageRecord } from './review-image';
export type { ClassResults, DatasetOverview, StoredAuditRow } from './review-summary';
export type { ClassMapRole, ClassMapRow } from './class-maps';
export type { ComponentRow } from './components';
export type { ConceptTestsKey, StoredConceptTests } from './concept-tests';
export type { BoxRow, BoxTarget } from './box-rows';
export type { FocusRow } from './findings';
export { CONCEPT_ORD_BASE, type ConceptBox, type ConceptRegionRow, type ConceptSource } from './concept-regions';
export { DRAWN_ORD_BASE, pixelBox, type DrawnApplied, type DrawnRegionRow, type RegionMeasure } from './drawn-regions';
