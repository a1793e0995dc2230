// Who may do what (DESIGN §1): pure predicates over the viewer, used by every layer.

/** Every scope an API key can carry: the one list the schema, the CLI and the checks use. */
export const apiKeyScopes = ['READ', 'WRITE', 'ADMIN'] as const;

export type ApiKeyScope = (typeof apiKeyScopes)[number];

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return apiKeyScopes.some((scope) => scope === value);
}

export type Viewer =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      isAdmin: boolean;
      /** What the credential allows: a JWT allows everything its user may do; an API key its scopes. */
      scopes: ReadonlySet<ApiKeyScope>;
      credential: 'jwt' | 'api-key' | 'bootstrap-token';
    };

export const anonymousViewer: Viewer = { kind: 'anonymous' };

export function isSignedIn(viewer: Viewer): viewer is Extract<Viewer, { kind: 'user' }> {
  return viewer.kind === 'user';
}

export function isAdmin(viewer: Viewer): boolean {
  return viewer.kind === 'user' && viewer.isAdmin && viewer.scopes.has('ADMIN');
}

export function canWrite(viewer: Viewer): boolean {
  return viewer.kind === 'user' && (viewer.scopes.has('WRITE') || viewer.scopes.has('ADMIN'));
}

/** Managers read a room's secrets (feed URL, attendees, descriptions): owner or admin. */
export function canReadAsManager(viewer: Viewer, room: { ownerId: string }): boolean {
  return viewer.kind === 'user' && (isAdmin(viewer) || room.ownerId === viewer.userId);
}

/** Managers change a room: owner or admin, with a credential that may write. */
export function canManage(viewer: Viewer, room: { ownerId: string }): boolean {
  return canReadAsManager(viewer, room) && canWrite(viewer);
}

/** Shared rooms are listed to every signed-in user; private ones to their owner (and admins). */
export function canList(viewer: Viewer, room: { ownerId: string; isShared: boolean }): boolean {
  return viewer.kind === 'user' && (room.isShared || canReadAsManager(viewer, room));
}
