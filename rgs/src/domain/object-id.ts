import { Types } from 'mongoose';
import { InvalidIdError } from './errors.js';

/** Parses an id argument of the API; a malformed one is the caller's mistake (BAD_USER_INPUT). */
export function parseObjectId(argument: string, value: string): Types.ObjectId {
  if (!/^[0-9a-fA-F]{24}$/.test(value)) throw new InvalidIdError(argument, value);
  return new Types.ObjectId(value);
}
