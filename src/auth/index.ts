// PLACEHOLDER: offline mode only, to be replaced (issue 3).
import type { AuthReport, Chain, Deps, Identity, Message } from '../types.js';

export interface AuthInput {
  message: Message;
  chain: Chain;
  identity: Identity;
  at: Date;
  offline: boolean;
  authservIds: string[];
}

export async function authenticate(input: AuthInput, _deps: Deps): Promise<AuthReport> {
  return { mode: 'offline', evaluatedAt: input.at.toISOString(), results: [], recorded: [], comparison: [], dns: [] };
}
