import { ArgsType } from 'type-graphql';
import { pageArgs } from '../../../../shared/src/graphql/page-args.js';
import { MAX_DISPATCHES_PAGE } from '../../domain/rgs-queries.js';

/** Default page of `CleanupRun.dispatches`: a run of 50,000 tables has 100 dispatches or more. */
export const DISPATCHES_PAGE_SIZE = 100;

/** A page of a run's dispatches, oldest first. Without arguments: the first 100. */
@ArgsType()
export class DispatchesArgs extends pageArgs(DISPATCHES_PAGE_SIZE, MAX_DISPATCHES_PAGE, 'The id of the last dispatch of the previous page') {}
