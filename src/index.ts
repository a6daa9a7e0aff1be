// mailtrace as a library: analyze(raw, options) -> Promise<Report>, and the public types.
export { analyze } from './analyze.js';
export { NotAMessageError } from './message/parse.js';
export { decideVerdict, exitCodeFor, EXIT } from './verdict/index.js';
export { RULES } from './findings/index.js';
export type * from './types.js';
export type { FindingId } from './findings/index.js';
