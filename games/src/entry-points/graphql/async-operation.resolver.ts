import { Types } from 'mongoose';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CleanupRequestService } from '../../domain/cleanup-request.service.js';
import type { OperationQueries } from '../../domain/operation-queries.js';
import { AsyncOperationType } from './async-operation.type.js';
import { CleanupGameTablesArgs } from './cleanup-game-tables.args.js';
import type { GamesContext } from './games-loaders.js';
import { IntegrationMessageType } from './integration-message.type.js';
import { OPERATIONS_PAGE_SIZE, OperationsArgs } from './operations.args.js';

@Resolver(() => AsyncOperationType)
export class AsyncOperationResolver {
  constructor(
    private readonly cleanupRequests: CleanupRequestService,
    private readonly queries: OperationQueries,
  ) {}

  @Mutation(() => AsyncOperationType, {
    description: 'Archives the given game tables (phase 1). Records the request and returns its operation.',
  })
  async cleanupGameTables(@Ctx() { principal }: GamesContext, @Args() args: CleanupGameTablesArgs): Promise<AsyncOperationType> {
    return AsyncOperationType.from(await this.cleanupRequests.receive({ ...args, async: args.async ?? true, requestedBy: principal.name }));
  }

  @Query(() => AsyncOperationType, { nullable: true })
  async operation(@Arg('id', () => ID) id: string): Promise<AsyncOperationType | null> {
    const operation = await this.queries.operation(id);
    return operation && AsyncOperationType.from(operation);
  }

  @Query(() => [AsyncOperationType], { description: 'Newest first' })
  async operations(@Args() { status, actionType, first, after }: OperationsArgs): Promise<AsyncOperationType[]> {
    const operations = await this.queries.operations({ status, actionType }, { first: first ?? OPERATIONS_PAGE_SIZE, after });
    return operations.map(AsyncOperationType.from);
  }

  @FieldResolver(() => Boolean, {
    description: 'True while the operation is IN_PROGRESS but its worker job holds its lock without a heartbeat (the worker died or hangs); another worker takes it over once the lock expires',
  })
  async stalled(@Root() operation: AsyncOperationType): Promise<boolean> {
    return this.queries.isStalled({ _id: new Types.ObjectId(operation.id), status: operation.status });
  }

  @FieldResolver(() => IntegrationMessageType)
  async message(@Root() operation: AsyncOperationType, @Ctx() { loaders }: GamesContext): Promise<IntegrationMessageType> {
    const message = await loaders.messages.load(new Types.ObjectId(operation.messageId));
    if (!message) throw new Error(`integration message ${operation.messageId} of operation ${operation.id} is missing`);
    return IntegrationMessageType.from(message);
  }
}
