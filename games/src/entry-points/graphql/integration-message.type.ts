import { Field, ID, ObjectType } from 'type-graphql';
import type { IntegrationMessage } from '../../data-access/integration-message.model.js';
import { CleanupAction } from './enums.js';

@ObjectType('IntegrationMessage', { description: 'The cleanup request as received from RGS.' })
export class IntegrationMessageType {
  @Field(() => ID)
  id!: string;

  @Field(() => CleanupAction)
  actionType!: CleanupAction;

  @Field()
  archivedAt!: Date;

  @Field(() => [ID])
  gameTableIds!: string[];

  @Field(() => String, { nullable: true })
  idempotencyKey!: string | null;

  @Field()
  createdAt!: Date;

  static from(doc: IntegrationMessage & { _id: unknown }): IntegrationMessageType {
    return {
      id: String(doc._id),
      actionType: doc.actionType,
      archivedAt: doc.archivedAt,
      gameTableIds: doc.gameTableIds.map(String),
      idempotencyKey: doc.idempotencyKey ?? null,
      createdAt: doc.createdAt,
    };
  }
}
