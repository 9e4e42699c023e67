import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import type { GameTableVersion } from '../../data-access/game-table-version.model.js';

@ObjectType('GameTableVersion', { description: 'One recorded change of a game table (create, update or destroy).' })
export class GameTableVersionType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  gameTableId!: string;

  @Field({ description: 'create, update or destroy' })
  event!: string;

  @Field(() => GraphQLJSON, { description: '{ field: [before, after] } for each field that changed' })
  changes!: Record<string, [unknown, unknown]>;

  @Field(() => ID, { nullable: true, description: 'The operation that made the change; null when made by hand' })
  operationId!: string | null;

  @Field()
  createdAt!: Date;

  static from(doc: GameTableVersion & { _id: unknown }): GameTableVersionType {
    return {
      id: String(doc._id),
      gameTableId: String(doc.gameTableId),
      event: doc.event,
      changes: doc.changes,
      operationId: doc.operationId ? String(doc.operationId) : null,
      createdAt: doc.createdAt,
    };
  }
}
