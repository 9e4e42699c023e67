import { Field, ID, ObjectType } from 'type-graphql';
import type { EnvironmentRecord } from '../../domain/qualifying-servers.js';
import { ServerType } from './server.type.js';

@ObjectType('Environment')
export class EnvironmentType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [String], { description: 'Tables in these currencies are kept; active tables in any other are cleaned up' })
  requiredCurrencies!: string[];

  /** Resolved by EnvironmentResolver. */
  @Field(() => [ServerType])
  servers?: ServerType[];

  static from(doc: EnvironmentRecord): EnvironmentType {
    return { id: String(doc._id), name: doc.name, requiredCurrencies: doc.requiredCurrencies };
  }
}
