import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  GraphQLList,
  isLeafType,
  Kind,
  valueFromAST,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
  type FieldNode,
  isObjectType,
  isInterfaceType,
} from 'graphql';
import { RequestLimitError } from './request-limits-error.js';

/** graphql-armor's cost weights (cost-limit defaults), kept so both checks price a document alike. */
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;

/** The page-size argument that multiplies a list field's cost. */
const PAGE_ARGUMENT = 'first';

/**
 * What a list of scalars costs (e.g. `succeededIds`, up to 500 ids): armor prices it as one scalar,
 * but 500 ids weigh on the response like dozens of objects (a page of 500 operations with their ids
 * and message ids is megabytes). 50 makes such lists count like 50 scalars.
 */
export const SCALAR_LIST_COST = 50;

interface Pricing {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
}

/** The page size a field asks for: its `first` (literal or variable) or the argument's default. */
function pageSize(field: GraphQLField<unknown, unknown>, node: FieldNode, pricing: Pricing): number {
  const definition = field.args.find((arg) => arg.name === PAGE_ARGUMENT);
  if (!definition) return 1;
  const given = node.arguments?.find((arg) => arg.name.value === PAGE_ARGUMENT);
  const value = given ? valueFromAST(given.value, definition.type, pricing.variables) : definition.defaultValue;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
}

/** armor's formula (objects 2 + 1.5 × children, × page size; scalars 1), plus SCALAR_LIST_COST. */
function selectionCost(parent: GraphQLObjectType, selectionSet: SelectionSetNode, pricing: Pricing, seen: Set<string>): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? pricing.schema.getType(selection.typeCondition.name.value) : parent;
      if (type && isObjectType(type)) cost += selectionCost(type, selection.selectionSet, pricing, seen);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = pricing.fragments.get(selection.name.value);
      const type = fragment && pricing.schema.getType(fragment.typeCondition.name.value);
      if (fragment && type && isObjectType(type) && !seen.has(fragment.name.value)) {
        cost += selectionCost(type, fragment.selectionSet, pricing, new Set([...seen, fragment.name.value]));
      }
      continue;
    }
    // Introspection reads the in-memory schema: bounded by the depth and token limits, not priced.
    if (selection.name.value.startsWith('__')) continue;
    const field = parent.getFields()[selection.name.value];
    if (!field) continue;
    const named = getNamedType(field.type);
    if (selection.selectionSet && (isObjectType(named) || isInterfaceType(named))) {
      const children = isObjectType(named) ? selectionCost(named, selection.selectionSet, pricing, seen) : 0;
      cost += (OBJECT_COST + DEPTH_FACTOR * children) * pageSize(field, selection, pricing);
    } else {
      cost += isLeafType(named) && getNullableType(field.type) instanceof GraphQLList ? SCALAR_LIST_COST : SCALAR_COST;
    }
  }
  return cost;
}

/**
 * The cost limit, priced once the variables are known and before the operation executes. armor's
 * rule (a validation rule, which sees no variables) multiplies by `first` only when it is a literal,
 * so `first: $n` or an omitted `first` (default 100) would count as 1, and it prices a list of 500
 * ids as one scalar. This plugin prices the operation with the real page sizes and with
 * SCALAR_LIST_COST, and refuses it with BAD_USER_INPUT when it is over `maxCost`.
 */
export function pagedCostPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
          if (!root) return;
          const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
          const cost = selectionCost(root, operation.selectionSet, { schema, variables: request.variables ?? {}, fragments }, new Set());
          if (cost > maxCost) throw new RequestLimitError(`Query Cost limit of ${maxCost} exceeded, found ${Math.round(cost)}.`);
        },
      };
    },
  };
}
