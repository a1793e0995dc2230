import { isAdmin } from '../../domain/access.js';
import { builder } from '../builder.js';

const ViewerRef = builder.objectRef<{ userId: string | null; isAdmin: boolean }>('Viewer');

ViewerRef.implement({
  description: 'Who is asking: anonymous participants have no user.',
  fields: (t) => ({
    isSignedIn: t.boolean({ resolve: (viewer) => viewer.userId !== null }),
    isAdmin: t.exposeBoolean('isAdmin'),
    user: t.prismaField({
      type: 'User',
      nullable: true,
      resolve: (query, viewer, _args, context) =>
        viewer.userId === null
          ? null
          : context.prisma.user.findUnique({ ...query, where: { id: viewer.userId } }),
    }),
  }),
});

builder.prismaNode('User', {
  id: { field: 'id' },
  // A user (and their API keys) is visible to themselves and to admins only.
  runScopesOnType: true,
  authScopes: (user, context) =>
    isAdmin(context.viewer) ||
    (context.viewer.kind === 'user' && context.viewer.userId === user.id),
  fields: (t) => ({
    displayName: t.exposeString('displayName', { nullable: true }),
  }),
});

builder.queryType({
  fields: (t) => ({
    viewer: t.field({
      type: ViewerRef,
      resolve: (_root, _args, { viewer }) =>
        viewer.kind === 'user'
          ? { userId: viewer.userId, isAdmin: viewer.isAdmin }
          : { userId: null, isAdmin: false },
    }),
  }),
});
