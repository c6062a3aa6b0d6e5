/**
 * Write transactions. BEGIN IMMEDIATE takes the write lock up front: in WAL mode a
 * deferred transaction that reads first and writes later can fail with BUSY_SNAPSHOT
 * when another process wrote in between, which no busy timeout can wait out.
 */
import type Database from 'better-sqlite3';
import { explainSqliteError } from './errors';

export function writeTransaction<A extends unknown[], R>(db: Database.Database, body: (...args: A) => R): (...args: A) => R {
  const transaction = db.transaction(body);
  return (...args: A): R => {
    try {
      return transaction.immediate(...args);
    } catch (error) {
      throw explainSqliteError(error, db.name);
    }
  };
}

/** Creation and change times: ISO 8601 in UTC, sortable as text. */
export function now(): string {
  return new Date().toISOString();
}
