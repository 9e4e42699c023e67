import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class CleanupPlanArgs {
  @Field(() => ID)
  environmentId!: string;

  @Field(() => ID, { nullable: true, description: 'Plan only this server of the environment' })
  serverId?: string | null;
}
