import { pageArgs as sharedPageArgs } from '../../../../shared/src/graphql/page-args.js';
import { MAX_PAGE_SIZE } from '../../domain/operation-queries.js';

/** Cursor pagination of the Games lists: `first` items (default `defaultFirst`, at most MAX_PAGE_SIZE) after `after`. */
export const pageArgs = (defaultFirst: number) => sharedPageArgs(defaultFirst, MAX_PAGE_SIZE);
