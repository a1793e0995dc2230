import { isAdmin } from '../../domain/access.js';
import { ForbiddenError, ValidationError } from '../../services/errors.js';
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
      // Admin rights as the credential carries them: an admin's READ key is no admin.
      resolve: (_root, _args, { viewer }) => ({
        userId: viewer.kind === 'user' ? viewer.userId : null,
        isAdmin: isAdmin(viewer),
      }),
    }),
  }),
});

const DevSignInSuccess = builder.objectRef<{ token: string }>('DevSignInSuccess').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'A bearer token for this development user' }),
  }),
});

builder.queryFields((t) => ({
  serverTime: t.field({
    type: 'DateTime',
    description: "The server's clock, for clients to correct theirs",
    resolve: (_root, _args, context) => context.deps.now(),
  }),
  devSignInAvailable: t.boolean({
    description: 'Whether devSignIn works here (embedded development mode only)',
    resolve: (_root, _args, context) => context.issueDevelopmentToken !== null,
  }),
}));

builder.mutationFields((t) => ({
  devSignIn: t.field({
    type: DevSignInSuccess,
    errors: { types: [ValidationError, ForbiddenError] },
    description: 'Sign in by name, without a password: embedded development mode only',
    args: { displayName: t.arg.string({ required: true }) },
    resolve: async (_root, { displayName }, context) => {
      if (context.issueDevelopmentToken === null) {
        throw new ForbiddenError('Development sign-in is off on this server');
      }
      const name = displayName.trim();
      if (name === '' || name.length > 80) {
        throw new ValidationError('Enter a name of 1 to 80 characters', 'displayName');
      }
      return { token: await context.issueDevelopmentToken(name) };
    },
  }),
}));
