// Who is looking: loaded once by the layout, read by any page that words things differently for them.
import { createContext, useContext, type Accessor } from 'solid-js';
import { graphql } from '../graphql/generated/index.js';
import type { ViewerQuery } from '../graphql/generated/graphql.js';

export const ViewerDocument = graphql(`
  query Viewer {
    viewer {
      isSignedIn
      isAdmin
      user {
        id
        displayName
      }
    }
  }
`);

export type Viewer = ViewerQuery['viewer'];

/** undefined while the viewer is loading (or could not be loaded). */
export const ViewerContext = createContext<Accessor<Viewer | undefined>>(() => undefined);

export function useViewer(): Accessor<Viewer | undefined> {
  return useContext(ViewerContext);
}
