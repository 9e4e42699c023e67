import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Every item of the array is different once `key` is applied: class-validator's `ArrayUnique` in one
 * pass. `ArrayUnique` compares every item with every other (`indexOf` per item): quadratic in the
 * ids of every cleanup request (figures in docs/decisions/0012-client-bulk-write.md); a Set is linear.
 */
export function ArrayDistinct<T>(key: (item: T) => unknown, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'arrayDistinct',
      validator: {
        validate: (value: unknown) => Array.isArray(value) && new Set(value.map((item: T) => key(item))).size === value.length,
      },
    },
    options,
  );
}
