import { registerEnumType } from 'type-graphql';
import { DispatchStatus, RunStatus } from '../../domain/statuses.js';

registerEnumType(RunStatus, {
  name: 'RunStatus',
  description: 'QUEUED → RUNNING → COMPLETED; FAILED when the kickoff itself fails (a failing server only adds to errors).',
});

registerEnumType(DispatchStatus, {
  name: 'DispatchStatus',
  description: 'PENDING until Games accepted the call (SENT); FAILED once the retry budget is spent.',
});

export { DispatchStatus, RunStatus };
