import { registerEnumType } from 'type-graphql';
import { CleanupAction, OperationStatus } from '../../domain/cleanup-action.js';

registerEnumType(CleanupAction, {
  name: 'CleanupAction',
  description: 'What RGS asks for. Both archive in phase 1; DELETE operations are hard-deleted in phase 2.',
});

registerEnumType(OperationStatus, {
  name: 'OperationStatus',
  description: 'RECEIVED → IN_PROGRESS → DEFERRED (archived, awaiting phase 2) → PROCESSED (purged), or FAILED; RESTORED after an undo.',
});

export { CleanupAction, OperationStatus };
