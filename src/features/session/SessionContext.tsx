import { createContext, useContext } from 'react';
import type { Transport } from '../../fhir/transport';
import type { Session } from '../../smart/session';

export interface SessionValue {
  session: Session;
  /** The single way features reach the FHIR server. */
  send: Transport;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside a launched session');
  return value;
}
