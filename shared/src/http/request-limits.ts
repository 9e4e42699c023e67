import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { type GraphQLError, Kind, type ValidationRule } from 'graphql';
import { pagedCostPlugin } from './paged-cost.js';
import { RequestLimitError } from './request-limits-error.js';

export { RequestLimitError };

/**
 * Every bound on one GraphQL request, in one place. Each number is the smallest that lets every
 * documented operation through (README, graphql/operations/**, the GraphiQL examples, GraphiQL's
 * own schema introspection and the RGS → Games client) with room to spare, and refuses the attacks
 * of issue 12 before anything executes. With them, and the per-request DataLoaders that batch every
 * per-row relation, the most expensive request the limits accept stays fast on a large database
 * (`npm run bench:requests`; figures in docs/benchmarks.md). Tests: tests/shared/http-security.test.ts,
 * tests/shared/documented-operations.test.ts.
 */
export const REQUEST_LIMITS = {
  /**
   * Largest request body, in bytes (express.json). The largest legitimate body is a cleanup of 500
   * ids (about 14 kB as variables or inline); 100 kB leaves room and stops multi-megabyte bodies
   * before they are parsed.
   */
  bodyBytes: 100 * 1024,
  /**
   * Most lexical tokens in a document. graphql-js's own parser enforces it (Apollo `parseOptions`)
   * and stops right there, so an oversized document is never fully parsed; it is refused as
   * GRAPHQL_PARSE_FAILED ("Document contains more than 1000 tokens"). (graphql-armor's token plugin
   * would parse every document twice.) A cleanup with 500 inline ids is about 560 tokens, GraphiQL's introspection query 183,
   * the longest GraphiQL example 108.
   */
  maxTokens: 1_000,
  /**
   * Deepest selection, counting fields (fragments flattened) and introspection. Data queries are at
   * most 3 deep and the schemas have no cycles; the deepest query any client needs is GraphiQL's
   * introspection (__schema → types → fields → args → type → 9 × ofType → name: 15). Refuses the
   * 30- and 200-level queries of the issue.
   */
  maxDepth: 15,
  /**
   * Aliases per operation. No documented operation uses one; a few stay allowed for hand-written
   * queries in GraphiQL (e.g. two pages side by side). Aliases are what multiplied the 8.5 MB,
   * 60-second request of the issue (200 × `gameTables(first: 500)`).
   */
  maxAliases: 4,
  /** Directives per operation (`@include`/`@skip`); none is documented, 10 is generous. */
  maxDirectives: 10,
  /**
   * Cost: graphql-armor's formula (objects 2, scalars 1, ×1.5 per level, × the page size `first`),
   * checked by armor's rule when the document is validated and again by paged-cost.ts once the
   * variables are known, with the real page sizes (variables, defaults) and a list of ids priced as
   * 50 scalars. The most expensive accepted reads (`npm run bench:requests`, figures in
   * docs/benchmarks.md): a page of 500 tables with their versions (cost 14,500), 92 operations with
   * their ids and message. The purge script's page (200 operations with their ids: 16,900) and the
   * largest README query (1,225) pass; two pages of 500 tables with versions (29,000), 500
   * operations with their ids (108,250) or `cleanupRuns(first: 100)` with its default 100
   * dispatches are refused. Introspection is not priced (it reads the in-memory schema) but is
   * bounded by the depth and token limits.
   */
  maxCost: 20_000,
} as const;

/**
 * A mutation operation may change one thing: one root field. Without it, aliases multiply a
 * mutation (50 × `cleanupGameTables` of 500 ids created 50 operations and 50 jobs in one request).
 */
export const oneMutationPerRequestRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== 'mutation') return;
    const roots = node.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && s.name.value !== '__typename');
    const spreads = node.selectionSet.selections.some((s) => s.kind !== Kind.FIELD);
    if (roots.length > 1 || spreads) {
      context.reportError(new RequestLimitError('A mutation request may contain exactly one mutation field (send one request per change)'));
    }
  },
});

/**
 * The Apollo settings that enforce REQUEST_LIMITS (the body size is express's). `blockFieldSuggestions` masks "Did you mean …?" hints, which reveal the schema
 * as introspection does.
 */
export function requestLimits(options: { blockFieldSuggestions: boolean }): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const reject = [(context: { reportError(error: GraphQLError): void } | null, error: GraphQLError) => context?.reportError(new RequestLimitError(error.message))];
  const common = { propagateOnRejection: false, onReject: reject, exposeLimits: true };
  const armor = new ApolloArmor({
    maxTokens: { enabled: false },
    maxDepth: { ...common, n: REQUEST_LIMITS.maxDepth, ignoreIntrospection: false, flattenFragments: true },
    maxAliases: { ...common, n: REQUEST_LIMITS.maxAliases },
    maxDirectives: { ...common, n: REQUEST_LIMITS.maxDirectives },
    costLimit: { ...common, maxCost: REQUEST_LIMITS.maxCost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: options.blockFieldSuggestions },
  }).protect();
  return {
    // armor is CommonJS and types its plugins with Apollo's CJS declarations: the same objects.
    plugins: [...(armor.plugins as unknown as ApolloServerPlugin[]), pagedCostPlugin(REQUEST_LIMITS.maxCost)],
    validationRules: [...armor.validationRules, oneMutationPerRequestRule],
    parseOptions: { maxTokens: REQUEST_LIMITS.maxTokens },
  };
}
