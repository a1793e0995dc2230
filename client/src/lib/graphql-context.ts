// The current GraphQL connection for components: its live state, and headers for raw requests.
import { createContext, useContext } from 'solid-js';
import type { GraphqlConnection } from './graphql-client.js';

export const GraphqlConnectionContext = createContext<GraphqlConnection>();

export function useGraphqlConnection(): GraphqlConnection {
  const connection = useContext(GraphqlConnectionContext);
  if (connection === undefined) throw new Error('useGraphqlConnection outside GraphqlProvider');
  return connection;
}
