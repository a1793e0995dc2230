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
