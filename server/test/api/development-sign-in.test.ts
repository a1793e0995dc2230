// Issue 11.6: development sign-in hands out admin tokens to whoever asks, so it runs only when
// asked for (`npm start` sets DEV_SIGN_IN for itself) and then only on loopback. The real
// all-in-one entry point, in a child process on a fresh embedded database.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataOf, graphqlClient } from '../support/api-client.js';
import { anyString } from '../support/api-matchers.js';
import { startLobbyProcess, type LobbyProcess } from '../support/api-server.js';
import { freePort } from '../support/free-port.js';

const signIn = `mutation ($displayName: String!) {
  devSignIn(displayName: $displayName) {
    __typename ... on DevSignInSuccess { token } ... on Error { message }
  }
}`;

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** An IPv4 address of this machine that is not loopback. */
function externalAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;
}

// Each test starts a process on a fresh PGlite (initdb, migrations, tsx): slow on two busy cores.
describe('development sign-in (all-in-one process)', { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startAllInOne(environment: Record<string, string>): Promise<LobbyProcess> {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'lobby-dev-sign-in-'));
    cleanups.push(() => rm(dataDirectory, { recursive: true, force: true }));
    const started = await startLobbyProcess({
      script: 'all-in-one.ts',
      environment: { NODE_ENV: 'test', LOBBY_DATA_DIR: dataDirectory, ...environment },
      readyLine: /Lobby is running: (\S+)/,
    });
    cleanups.push(() => started.stop());
    return started;
  }

  it('is off unless DEV_SIGN_IN is set: a typed error, no token', async () => {
    const port = await freePort();
    await startAllInOne({
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_BASE_URL: 'https://lobby.example.org',
    });
    const gql = graphqlClient(`http://127.0.0.1:${port}/graphql`);
    const refused = await gql(signIn, { displayName: 'Mallory' });
    expect(refused.errors).toBeUndefined();
    expect(dataOf(refused)).toEqual({
      devSignIn: {
        __typename: 'ForbiddenError',
        message: 'Development sign-in is off on this server',
      },
    });
    expect(dataOf(await gql('{ devSignInAvailable }'))).toEqual({ devSignInAvailable: false });
  });

  it('with DEV_SIGN_IN, issues tokens and listens on loopback only', async () => {
    const external = externalAddress();
    expect(external, 'this machine needs a non-loopback IPv4 interface').toBeDefined();
    const port = await freePort();
    const started = await startAllInOne({
      DEV_SIGN_IN: 'true',
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    });
    expect(started.output).toContain('Development sign-in is on (listening on 127.0.0.1 only)');
    const gql = graphqlClient(`http://127.0.0.1:${port}/graphql`);
    const signedIn = await gql(signIn, { displayName: 'Dev' });
    expect(dataOf(signedIn)).toEqual({
      devSignIn: { __typename: 'DevSignInSuccess', token: anyString },
    });
    expect(await accepts('127.0.0.1', port)).toBe(true);
    expect(await accepts(external ?? '', port)).toBe(false);
  });

  it('refuses to start with DEV_SIGN_IN and a public PUBLIC_BASE_URL', async () => {
    const port = await freePort();
    await expect(
      startAllInOne({
        DEV_SIGN_IN: 'true',
        PORT: String(port),
        PUBLIC_BASE_URL: 'https://lobby.example.org',
      }),
    ).rejects.toThrow(/DEV_SIGN_IN: development sign-in hands out admin tokens/);
    expect(await accepts('127.0.0.1', port)).toBe(false);
  });
});
