import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { Principal } from '../auth/principal.js';

@ObjectType('Principal', { description: 'Who is calling, as the service sees it.' })
export class PrincipalType {
  @Field({ description: "The principal's name: an API key entry's name, or the JWT's subject (AUTH_NAME_CLAIM)" })
  name!: string;

  @Field(() => [String], { description: "The roles it holds on this service" })
  roles!: string[];

  @Field({ description: 'api-key, jwt or dashboard-login' })
  via!: string;
}

/** `me`, on both services: any authenticated principal may ask who it is (the purge CLI does, before it starts). */
@Resolver()
export class MeResolver {
  @Query(() => PrincipalType, { description: 'The principal making this request and its roles; open to every principal' })
  me(@Ctx() { principal }: { principal: Principal }): PrincipalType {
    return { name: principal.name, roles: [...principal.roles].sort(), via: principal.via };
  }
}
