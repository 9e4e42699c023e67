import { Types } from 'mongoose';
import type { GamesModels } from '../data-access/games-models.js';
import type { OperationRecord } from './archive-operation.service.js';
import { OperationNotFoundError } from './errors.js';

/**
 * What phase 2 (purge and restore) shares: finding the operation it acts on, and the purge lease
 * that keeps a purge, a second purge and a restore of one operation from running over each other.
 */

/** The operation's id as stored; an id that cannot exist is simply not found. */
export function toOperationObjectId(operationId: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(operationId) || !/^[0-9a-f]{24}$/i.test(operationId)) throw new OperationNotFoundError(operationId);
  return new Types.ObjectId(operationId);
}

export async function findOperationOrThrow(models: GamesModels, operationId: Types.ObjectId): Promise<OperationRecord> {
  const operation = await models.AsyncOperation.findById(operationId).lean<OperationRecord>();
  if (!operation) throw new OperationNotFoundError(String(operationId));
  return operation;
}

/** Filter: no purge holds the operation (never claimed, released, or its holder stopped renewing). */
export const withoutLivePurgeLease = (now: Date) => ({
  $or: [{ purgeLease: null }, { 'purgeLease.expiresAt': { $lte: now } }],
});

export const hasLivePurgeLease = (operation: OperationRecord, now: Date): boolean =>
  operation.purgeLease != null && operation.purgeLease.expiresAt > now;
