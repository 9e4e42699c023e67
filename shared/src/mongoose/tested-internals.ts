import { Schema } from 'mongoose';
import { describeMember, type FoundMember, type TestedPackage } from '../dependency-check/tested-dependencies.js';

/** The version this folder was tested with. */
export const MONGOOSE_TESTED_VERSION = '9.12.1';

/** Each internal member of mongoose this folder uses (document-internals.ts), as found on `schema` (one with timestamps). */
export function mongooseInternalMembers(schema: Schema): FoundMember[] {
  const internals = (schema as unknown as { s?: { hooks?: object } }).s;
  return [
    describeMember(internals, 'Schema#s', 'hooks', 'object'),
    describeMember(internals?.hooks, 'Schema#s.hooks', 'execPre', 'function'),
    describeMember(internals?.hooks, 'Schema#s.hooks', 'execPost', 'function'),
    describeMember(schema.methods, 'Schema#methods (timestamps)', 'initializeTimestamps', 'function'),
  ];
}

/** mongoose as installed, looked at on a throwaway schema. */
export function mongooseTestedPackage(): TestedPackage {
  return {
    name: 'mongoose',
    testedVersion: MONGOOSE_TESTED_VERSION,
    adapter: 'shared/src/mongoose/',
    members: mongooseInternalMembers(new Schema({}, { timestamps: true })),
  };
}
