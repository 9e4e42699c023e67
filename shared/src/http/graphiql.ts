import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';
import type { TestedPackage } from '../dependency-check/tested-dependencies.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * The browser files GraphiQL needs, served from node_modules: the playground works offline. They are
 * not graphiql's public API (no `exports` entry): the start-up check looks for each (`graphiqlTestedPackage`).
 */
const ASSETS: Record<string, string> = {
  'react.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
  'react-dom.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
  'graphiql.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.css': join(packageDir('graphiql'), 'graphiql.min.css'),
};

export const GRAPHIQL_ASSETS_PATH = '/graphiql-assets';

/** The graphiql version whose bundle files (and its stale operation name, graphql/graphiql#3632) this page was tested with. */
export const GRAPHIQL_TESTED_VERSION = '3.8.2';

/** graphiql as installed, for the start-up check: every bundle file this page serves must exist. */
export function graphiqlTestedPackage(fileExists: (file: string) => boolean = existsSync): TestedPackage {
  return {
    name: 'graphiql',
    testedVersion: GRAPHIQL_TESTED_VERSION,
    adapter: 'shared/src/http/graphiql.ts',
    members: Object.entries(ASSETS).map(([served, file]) => ({ owner: 'bundle file', member: served, expected: 'declared', found: fileExists(file) ? 'declared' : `missing (${file})` })),
  };
}

/** One saved tab of the playground: a single operation, with its variables pre-filled. */
export interface PlaygroundTab {
  /** One operation; its name becomes the tab's title. Comments say where the ids come from. */
  query: string;
  /** The variables editor's content (JSON), if the operation takes any. */
  variables?: Record<string, unknown>;
}

export interface GraphiqlOptions {
  title: string;
  endpoint: string;
  /** Headers pre-filled in the editor, e.g. the development bearer token. */
  defaultHeaders: Record<string, string>;
  /** The saved tabs shown on first visit (and after "Clear storage" in the settings). */
  tabs: readonly PlaygroundTab[];
  /**
   * Names the browser storage of the tabs; bump the version in it when the tab set changes, or
   * returning operators keep seeing their stored tabs instead of the new ones.
   */
  storageNamespace: string;
}

/** What a tab opened with "+" starts with. */
const NEW_TAB_QUERY = '# Type an operation, then Ctrl-Enter (or the Run button). Ctrl-Space completes.\n';

const escapeScript = (json: string) => json.replace(/</g, '\\u003c');

export function graphiqlPage(options: GraphiqlOptions): string {
  const props = escapeScript(
    JSON.stringify({
      endpoint: options.endpoint,
      headers: JSON.stringify(options.defaultHeaders, null, 2),
      newTabQuery: NEW_TAB_QUERY,
      storageNamespace: options.storageNamespace,
      tabs: options.tabs.map((tab) => ({
        query: tab.query,
        variables: tab.variables === undefined ? null : JSON.stringify(tab.variables, null, 2),
      })),
    }),
  );
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${options.title}</title>
  <link rel="stylesheet" href="${GRAPHIQL_ASSETS_PATH}/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${GRAPHIQL_ASSETS_PATH}/react.js"></script>
  <script src="${GRAPHIQL_ASSETS_PATH}/react-dom.js"></script>
  <script src="${GRAPHIQL_ASSETS_PATH}/graphiql.js"></script>
  <script>
    const props = ${props};
    const send = GraphiQL.createFetcher({ url: props.endpoint });
    const operationNames = (query) => {
      try {
        return GraphiQL.GraphQL.parse(query).definitions
          .filter((definition) => definition.kind === 'OperationDefinition')
          .map((definition) => (definition.name ? definition.name.value : null));
      } catch {
        return null; // unparsable: the server answers with the syntax error
      }
    };
    // graphql/graphiql#3632: GraphiQL can send the operation name of the document that was in the
    // editor before (it updates it 100 ms after an edit, and keeps it when the new document has
    // only an anonymous operation), and the server answers "Unknown operation named …". Send
    // only a name the document has; otherwise none (one operation) or its first one, as GraphiQL would.
    const fetcher = (params, options) => {
      const names = operationNames(params.query);
      if (names && params.operationName && !names.includes(params.operationName)) {
        params = { ...params, operationName: names.length > 1 && names[0] ? names[0] : undefined };
      }
      return send(params, options);
    };
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        storage: GraphiQL.createLocalStorage({ namespace: props.storageNamespace }),
        defaultTabs: props.tabs,
        defaultHeaders: props.headers,
        defaultQuery: props.newTabQuery,
        headerEditorEnabled: true,
        shouldPersistHeaders: true,
        defaultEditorToolsVisibility: 'variables',
      }),
    );
  </script>
</body>
</html>`;
}

/** Serves GraphiQL's assets; the page itself is answered by `wantsGraphiql` requests on the endpoint. */
export function graphiqlAssets(): Router {
  const router = express.Router();
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1d' }));
  }
  return router;
}

/** A browser navigating to the endpoint (GET, HTML accepted, no GraphQL query in the URL). */
export function wantsGraphiql(req: express.Request): boolean {
  return req.method === 'GET' && req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html';
}
