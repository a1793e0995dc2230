// Lobby's version, as the server package declares it (User-Agent, /health).
import serverPackage from '../package.json' with { type: 'json' };

export const lobbyVersion: string = serverPackage.version;
