import { Args, Ctx, Mutation, Resolver } from 'type-graphql';
import type { PurgeArchivedService } from '../../domain/purge-archived.service.js';
import type { RestoreArchivedService } from '../../domain/restore-archived.service.js';
import { AsyncOperationType } from './async-operation.type.js';
import type { GamesContext } from './games-loaders.js';
import { OperationIdArgs } from './operation-id.args.js';
import { PurgeResultType } from './purge-result.type.js';

/** Phase 2: after a person has verified a DEFERRED operation, purge it, or undo it. */
@Resolver()
export class ArchivedOperationResolver {
  constructor(
    private readonly purger: PurgeArchivedService,
    private readonly restorer: RestoreArchivedService,
  ) {}

  @Mutation(() => PurgeResultType, {
    description:
      'Hard-deletes the tables a DEFERRED DELETE operation archived (phase 2) and marks it PROCESSED. ' +
      'Tables restored since are kept and reported in failures. Calling it again returns the same result.',
  })
  async purgeArchived(@Ctx() { principal }: GamesContext, @Args() { operationId }: OperationIdArgs): Promise<PurgeResultType> {
    return PurgeResultType.from(await this.purger.purge(operationId, principal.name));
  }

  @Mutation(() => AsyncOperationType, {
    description: 'Undoes phase 1 for a DEFERRED operation: re-activates its tables still archived by it and marks it RESTORED.',
  })
  async restoreArchived(@Ctx() { principal }: GamesContext, @Args() { operationId }: OperationIdArgs): Promise<AsyncOperationType> {
    return AsyncOperationType.from(await this.restorer.restore(operationId, principal.name));
  }
}
