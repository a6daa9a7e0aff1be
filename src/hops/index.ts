export { parseReceived, type ParsedHop } from './parse.js';
export { buildChain } from './chain.js';
