import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: types the client documents RGS sends to Games (graphql/operations/games/)
 * against the committed Games SDL, as TypedDocumentNodes. The output is committed; a test fails
 * when it drifts from the documents or the SDL.
 */
const config: CodegenConfig = {
  overwrite: true,
  schema: 'graphql/games.graphql',
  documents: 'graphql/operations/games/*.graphql',
  generates: {
    'graphql/generated/games-client.ts': {
      plugins: [
        'typescript-operations',
        'typed-document-node',
      ],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTimeISO: { input: 'string', output: 'string' } },
      },
    },
  },
};

export default config;
