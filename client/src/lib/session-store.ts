// Who is signed in (the bearer token) and what anonymous participants call themselves.
import { createStoredSignal } from './stored-signal.js';

const [authToken, setAuthToken] = createStoredSignal('lobby.authToken');
const [guestName, setGuestName] = createStoredSignal('lobby.guestName');

export { authToken, guestName, setGuestName };

/** Stores a normalized token; every connection is then rebuilt with it (see App). */
export function signIn(token: string): void {
  setAuthToken(token);
}

export function signOut(): void {
  setAuthToken(null);
}
