import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { DispatchRetryService } from '../../domain/dispatch-retry.service.js';
import { parseObjectId } from '../../domain/object-id.js';
import { DispatchType } from './dispatch.type.js';
import type { RgsContext } from './rgs-loaders.js';

@Resolver(() => DispatchType)
export class DispatchResolver {
  constructor(private readonly retries: DispatchRetryService) {}

  @Mutation(() => DispatchType, {
    description: 'Sends a FAILED dispatch to Games again with a fresh retry budget (safe: the dispatch id is the idempotency key)',
  })
  async retryDispatch(@Ctx() { principal }: RgsContext, @Arg('id', () => ID) id: string): Promise<DispatchType> {
    const dispatch = await this.retries.retry(parseObjectId('id', id), principal.name);
    return DispatchType.from({ ...dispatch, count: dispatch.boIds.length });
  }
}
