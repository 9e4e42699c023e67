import { Field, ID, ObjectType } from 'type-graphql';
import type { ServerRecord } from '../../domain/qualifying-servers.js';

@ObjectType('Server')
export class ServerType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  active!: boolean;

  @Field(() => ID)
  environmentId!: string;

  static from(doc: ServerRecord): ServerType {
    return { id: String(doc._id), name: doc.name, active: doc.active, environmentId: String(doc.environmentId) };
  }
}
