import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  GraphQLID,
  isInputObjectType,
  isListType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { BadUserInputError } from '../errors.js';

/** An `ID` argument (or an `ID` inside a list or input object argument) that is empty or only whitespace. */
export class BlankIdError extends BadUserInputError {
  constructor(readonly argument: string) {
    super(`${argument} must not be empty: omit it or pass null to leave it out`);
  }
}

/** Whether a value of `type` can contain an `ID` somewhere (directly, in a list, or in an input object). */
function carriesId(type: GraphQLInputType, seen = new Set<unknown>()): boolean {
  const named = getNamedType(type);
  if (named === GraphQLID) return true;
  if (!isInputObjectType(named) || seen.has(named)) return false;
  seen.add(named);
  return Object.values(named.getFields()).some((field) => carriesId(field.type, seen));
}

/** Throws BlankIdError for the first blank `ID` in `value` (a coerced argument value of `type`). */
function checkValue(type: GraphQLInputType, value: unknown, path: string): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    (value as unknown[]).forEach((item, i) => checkValue(nullable.ofType, item, `${path}[${i}]`));
  } else if (isInputObjectType(nullable)) {
    for (const field of Object.values(nullable.getFields())) checkValue(field.type, (value as Record<string, unknown>)[field.name], `${path}.${field.name}`);
  } else if (nullable === GraphQLID && String(value).trim() === '') {
    throw new BlankIdError(path);
  }
}

/** A field with at least one argument that can carry an `ID`. */
export interface FieldWithIds {
  type: GraphQLObjectType;
  field: GraphQLField<unknown, unknown>;
  /** The names of its arguments that can carry an `ID`. */
  idArguments: string[];
}

/** Every field of `schema` that takes an `ID` argument: the fields this guard protects. */
export function fieldsWithIdArguments(schema: GraphQLSchema): FieldWithIds[] {
  const found: FieldWithIds[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const idArguments = field.args.filter((a) => carriesId(a.type)).map((a) => a.name);
      if (idArguments.length > 0) found.push({ type, field, idArguments });
    }
  }
  return found;
}

/**
 * "An id is an id": wraps every resolver that takes an `ID` argument so that an empty or blank id
 * (`""`, `"  "`, also inside lists and input objects) is refused as BAD_USER_INPUT before the
 * resolver runs. Absent means omitted or `null`, never `""`: a resolver reading `""` as "not given"
 * once turned `startCleanup(environmentId: "")` into a run over every environment. Values are
 * checked after coercion, so literals and variables are treated alike. Changes `schema` in place
 * and returns it; fields without `ID` arguments are left as they are.
 */
export function rejectBlankIds(schema: GraphQLSchema): GraphQLSchema {
  for (const { field, idArguments } of fieldsWithIdArguments(schema)) {
    const resolve = field.resolve ?? defaultFieldResolver;
    const guarded = field.args.filter((a) => idArguments.includes(a.name));
    field.resolve = (source, args: Record<string, unknown>, context, info) => {
      for (const argument of guarded) checkValue(argument.type, args[argument.name], argument.name);
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
