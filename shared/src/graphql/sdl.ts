import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/** The SDL committed in graphql/: sorted, so a diff shows only real contract changes. */
export function renderSdl(schema: GraphQLSchema): string {
  return `# Generated from the type-graphql resolvers by \`npm run emit:schema\`. Do not edit.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
