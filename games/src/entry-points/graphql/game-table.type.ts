import { Field, ID, ObjectType } from 'type-graphql';
import type { GameTable } from '../../data-access/game-table.model.js';
import { GameTableVersionType } from './game-table-version.type.js';

@ObjectType('GameTable')
export class GameTableType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  currency!: string;

  @Field()
  active!: boolean;

  @Field(() => Date, { nullable: true, description: 'When the table was archived: the instant RGS sent' })
  archivedAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  /** Resolved by GameTableResolver. */
  @Field(() => [GameTableVersionType], { description: 'The change history, oldest first' })
  versions?: GameTableVersionType[];

  static from(doc: GameTable & { _id: unknown }): GameTableType {
    return {
      id: String(doc._id),
      name: doc.name,
      currency: doc.currency,
      active: doc.active,
      archivedAt: doc.archivedAt ?? null,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    };
  }
}
