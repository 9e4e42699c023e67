/** A GraphQL response as the wire carries it, with the HTTP status. */
export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  body: { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } & Record<string, unknown> }> };
}

/** Posts a GraphQL request the way a client following GraphQL-over-HTTP does. */
export async function postGraphql<T = Record<string, any>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null,
): Promise<GraphqlResponse<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GraphqlResponse<T>['body'] };
}

/** A service started in-process for tests: the app, its database, and an authenticated client. */
export type TestService<App> = App & {
  /** Calls the API with the test token (or `token`, or none with null). */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphqlResponse<T>>;
  mongoUri: string;
};

export function asTestService<App extends { url: string }>(app: App, mongoUri: string, testToken: string): TestService<App> {
  return { ...app, mongoUri, gql: (query, variables = {}, token = testToken) => postGraphql(app.url, query, variables, token) };
}
