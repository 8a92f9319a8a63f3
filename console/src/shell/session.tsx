import { createContext, useContext } from 'react';
import type { Client, Session } from '../api/client';

export type Role = 'administrator' | 'agent';

export interface SessionState extends Session {
  client: Client;
  role: Role;
  /** The user's name when the API can tell it (GET /api/v1/profile), else null. */
  userName: string | null;
  /** The account's name (GET /api/v1/profile's accounts[].name). */
  accountName: string;
  userId: number;
  signOut: () => void;
  /** Told of a 401 from any call: the session ended elsewhere, and the sign-in screen shows again. */
  onUnauthorized: () => void;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in shell');
  return value;
}

/** Path parameters every account route takes. */
export const accountPath = (session: Session) => ({ account_id: String(session.accountId) });
