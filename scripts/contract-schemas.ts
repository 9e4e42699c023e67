import type { GraphQLSchema } from 'graphql';
import { buildGamesContractSchema } from '../games/src/entry-points/graphql/contract-schema.js';
import { buildRgsContractSchema } from '../rgs/src/entry-points/graphql/contract-schema.js';

/** Each committed SDL file in graphql/ and how to build the schema it must match. */
export const CONTRACT_SCHEMAS: Record<string, () => Promise<GraphQLSchema>> = {
  'games.graphql': buildGamesContractSchema,
  'rgs.graphql': buildRgsContractSchema,
};
