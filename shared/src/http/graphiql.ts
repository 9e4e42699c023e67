import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The browser files GraphiQL needs, served from node_modules: the playground works offline. */
const ASSETS: Record<string, string> = {
  'react.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
  'react-dom.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
  'graphiql.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.css': join(packageDir('graphiql'), 'graphiql.min.css'),
};

export const GRAPHIQL_ASSETS_PATH = '/graphiql-assets';

export interface GraphiqlOptions {
  title: string;
  endpoint: string;
  /** Headers pre-filled in the editor, e.g. the development bearer token. */
  defaultHeaders: Record<string, string>;
  /** A query shown on first visit. */
  defaultQuery: string;
}

const escapeScript = (json: string) => json.replace(/</g, '\\u003c');

export function graphiqlPage(options: GraphiqlOptions): string {
  const props = escapeScript(
    JSON.stringify({
      endpoint: options.endpoint,
      headers: JSON.stringify(options.defaultHeaders, null, 2),
      query: options.defaultQuery,
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
    const fetcher = GraphiQL.createFetcher({ url: props.endpoint });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultHeaders: props.headers,
        defaultQuery: props.query,
        headerEditorEnabled: true,
        shouldPersistHeaders: true,
        defaultEditorToolsVisibility: 'headers',
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
