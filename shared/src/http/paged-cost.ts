import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
  validate,
} from 'graphql';
import { RequestLimitError } from './request-limits-error.js';

/** The page-size argument the cost limit multiplies by. */
const PAGE_ARGUMENT = 'first';

/**
 * The document with every page size written out as a literal: the variable's value, or the
 * argument's default when the field has a `first` argument the query leaves out.
 */
function withLiteralPageSizes(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const definition = typeInfo.getFieldDef()?.args.find((arg) => arg.name === PAGE_ARGUMENT);
        if (!definition) return undefined;
        const given = node.arguments?.find((arg) => arg.name.value === PAGE_ARGUMENT);
        const value = given ? valueFromAST(given.value, definition.type, variables) : definition.defaultValue;
        if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
        const literal: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: PAGE_ARGUMENT }, value: { kind: Kind.INT, value: String(value) } };
        return { ...node, arguments: [...(node.arguments ?? []).filter((arg) => arg !== given), literal] };
      },
    }),
  );
}

/** graphql-armor's cost rule alone (the package exports it only inside ApolloArmor). */
function armorCostRule(maxCost: number, onReject: (error: GraphQLError) => void): ValidationRule {
  const off = { enabled: false };
  const { validationRules } = new ApolloArmor({
    costLimit: { maxCost, ignoreIntrospection: true, exposeLimits: true, propagateOnRejection: false, onReject: [(_context, error) => onReject(error)] },
    maxAliases: off,
    maxDepth: off,
    maxDirectives: off,
    maxTokens: off,
    blockFieldSuggestion: off,
  }).protect();
  return validationRules[0]!;
}

/**
 * graphql-armor's cost limit, priced with the real page sizes. Armor multiplies by `first` only when
 * it is a literal, so `first: $n` or an omitted `first` (default 100) would count as 1; this plugin
 * prices the operation again once its variables are known, before it executes, and refuses it with
 * BAD_USER_INPUT when it is over `maxCost`.
 */
export function pagedCostPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          let rejection: GraphQLError | undefined;
          const rule = armorCostRule(maxCost, (error) => void (rejection ??= error));
          validate(schema, withLiteralPageSizes(schema, document, request.variables ?? {}), [rule]);
          if (rejection) throw new RequestLimitError(rejection.message);
        },
      };
    },
  };
}
