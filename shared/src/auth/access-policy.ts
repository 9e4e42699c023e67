import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { holds, type Principal } from './principal.js';

/** Open to every authenticated principal (e.g. `me`), said explicitly rather than left out. */
export const ANY_PRINCIPAL = '(any principal)';

/**
 * Which role each verb of a service needs, declared once per service. Every root field has one:
 * `assertCovers` refuses to start a service whose schema has a field the policy does not name.
 */
export interface AccessPolicy {
  /** Every role the service knows. */
  roles: readonly string[];
  /** The role of every query field, unless `queryOverrides` says otherwise. */
  queries: string;
  queryOverrides?: Readonly<Record<string, string>>;
  /** The role of each mutation, by field name. */
  mutations: Readonly<Record<string, string>>;
}

/** The role `field` of `operation` needs. */
export function requiredRole(policy: AccessPolicy, operation: 'query' | 'mutation', field: string): string | undefined {
  if (operation === 'query') return policy.queryOverrides?.[field] ?? policy.queries;
  return policy.mutations[field];
}

/** Refuses a policy that leaves a mutation without a role, names one the schema lacks, or a role the service does not know. */
export function assertCovers(policy: AccessPolicy, schema: GraphQLSchema): void {
  const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
  const queries = Object.keys(schema.getQueryType()?.getFields() ?? {});
  const missing = mutations.filter((field) => !(field in policy.mutations));
  if (missing.length) throw new Error(`access policy: no role for mutation ${missing.join(', ')}`);
  const unknownFields = [
    ...Object.keys(policy.mutations).filter((field) => !mutations.includes(field)),
    ...Object.keys(policy.queryOverrides ?? {}).filter((field) => !queries.includes(field)),
  ];
  if (unknownFields.length) throw new Error(`access policy: names ${unknownFields.join(', ')}, which the schema does not have`);
  const roles = [policy.queries, ...Object.values(policy.queryOverrides ?? {}), ...Object.values(policy.mutations)];
  const unknownRoles = roles.filter((role) => role !== ANY_PRINCIPAL && !policy.roles.includes(role));
  if (unknownRoles.length) throw new Error(`access policy: unknown role ${unknownRoles.join(', ')}`);
  if (schema.getSubscriptionType()) throw new Error('access policy: subscriptions are not covered');
}

/** The root fields an operation selects, through fragments; introspection (`__schema`, `__typename`) excluded. */
export function rootFields(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const seen = new Set<string>();
  const fields = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith('__')) fields.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment);
      }
    }
  };
  walk(operation.selectionSet);
  return [...fields];
}

export function forbiddenError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

/** What the authorization plugin reads from a request's context. */
export interface PrincipalContext {
  principal: Principal;
}

/**
 * Enforces the policy after the operation is parsed and validated and before any resolver runs:
 * a principal without the role a root field needs gets FORBIDDEN (HTTP 403) naming the role, and
 * nothing of the operation executes. A response whose only errors are FORBIDDEN (a domain refusal
 * such as self-approval) is a 403 too, so a client tells "not allowed" from "failed".
 */
export function authorizationPlugin(policy: AccessPolicy, countForbidden: () => void = () => {}): ApolloServerPlugin<PrincipalContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (!operation) return;
          const kind = operation.operation;
          if (kind === 'subscription') throw forbiddenError('subscriptions are not served');
          const { principal } = contextValue;
          for (const field of rootFields(operation, document)) {
            const role = requiredRole(policy, kind, field);
            if (role === ANY_PRINCIPAL || (role && holds(principal, role))) continue;
            const held = [...principal.roles].join(', ') || 'no role';
            throw forbiddenError(`${field} needs the role "${role ?? '(none declared)'}"; ${principal.name} holds ${held}`);
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          // The formatted errors: a domain refusal gets its FORBIDDEN code at the error boundary.
          const { errors, data } = response.body.singleResult;
          const onlyForbidden = (errors ?? []).length > 0 && (errors ?? []).every((e) => e.extensions?.code === 'FORBIDDEN');
          if (onlyForbidden && !data) {
            response.http.status = 403;
            countForbidden();
          }
        },
      };
    },
  };
}
