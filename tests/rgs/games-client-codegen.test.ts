import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { generate, type CodegenConfig } from '@graphql-codegen/cli';
import codegenConfig from '../../codegen.js';

type PluginLoader = NonNullable<CodegenConfig['pluginLoader']>;
type CodegenPlugin = Awaited<ReturnType<PluginLoader>>;

/**
 * Jest's ES module loader fails when codegen imports its plugins in parallel, so the test imports
 * them one after the other first and hands them over through codegen's `pluginLoader`.
 */
async function preloadPlugins(names: string[]): Promise<PluginLoader> {
  const loaded = new Map<string, CodegenPlugin>();
  for (const name of names) loaded.set(`@graphql-codegen/${name}`, (await import(`@graphql-codegen/${name}`)) as CodegenPlugin);
  return async (name) => {
    if (!loaded.has(name)) throw new Error(`plugin ${name} not preloaded`);
    return loaded.get(name)!;
  };
}

describe('the generated Games client types', () => {
  it('When a document in graphql/operations/games or graphql/games.graphql changes, then graphql/generated must be regenerated (npm run codegen)', async () => {
    // Arrange
    const cwd = process.cwd();
    const pluginLoader = await preloadPlugins(['typescript-operations', 'typed-document-node']);

    // Act
    const outputs = await generate({ ...codegenConfig, cwd, silent: true, pluginLoader }, false);

    // Assert
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const committed = readFileSync(resolve(cwd, output.filename), 'utf8');
      expect({ file: output.filename, content: committed }).toEqual({ file: output.filename, content: output.content });
    }
  });
});
