// Running a mutation and reading its typed result union (`FooSuccess | SomeError`) as an Outcome.
import type { AnyVariables, Client, CombinedError, TypedDocumentNode } from '@urql/core';
import { graphql } from '../graphql/generated/index.js';
import { fail, succeed, type Outcome } from './outcome.js';

/**
 * Register the fragments with codegen; mutation documents spread them by name in their result
 * union: every failure's message, and for the forms, the field a validation error is about.
 */
export const ErrorMessageFragmentDocument = graphql(`
  fragment ErrorMessage on Error {
    message
  }
`);

export const ErrorMessageAndFieldFragmentDocument = graphql(`
  fragment ErrorMessageAndField on Error {
    message
    ... on ValidationError {
      field
    }
  }
`);

/** A result union's member: what a mutation answers. */
export type Typed = { __typename: string };

/** Errors the request itself met (network, refused sign-in), in plain words. */
export function describeRequestError(error: CombinedError | undefined): string {
  if (error === undefined) return 'The server sent an empty answer. Please try again.';
  if (error.networkError !== undefined) {
    return 'The Lobby server cannot be reached. Check your connection and try again.';
  }
  if (
    error.graphQLErrors.some((graphQLError) => graphQLError.extensions.code === 'UNAUTHENTICATED')
  ) {
    return 'Your sign-in was not accepted (it may have expired or been revoked). Sign out and sign in again.';
  }
  return error.graphQLErrors[0]?.message ?? error.message;
}

export function isTypename<Result extends Typed, Typename extends Result['__typename']>(
  result: Result,
  typename: Typename,
): result is Extract<Result, { __typename: Typename }> {
  return result.__typename === typename;
}

function messageOf(result: Typed): string {
  return 'message' in result && typeof result.message === 'string'
    ? result.message
    : 'Something went wrong. Please try again.';
}

/** ValidationError.field may be a path ("input.url"): the last part names the form field. */
function fieldOf(result: Typed): string | null {
  return 'field' in result && typeof result.field === 'string'
    ? (result.field.split('.').at(-1) ?? null)
    : null;
}

export async function runMutation<
  Data,
  Variables extends AnyVariables,
  Result extends Typed,
  SuccessTypename extends Result['__typename'],
>(
  client: Client,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  selectResult: (data: Data) => Result,
  successTypename: SuccessTypename,
): Promise<Outcome<Extract<Result, { __typename: SuccessTypename }>, Result>> {
  const response = await client.mutation(document, variables).toPromise();
  if (response.error !== undefined || response.data === undefined) {
    return fail(describeRequestError(response.error));
  }
  const result = selectResult(response.data);
  if (isTypename(result, successTypename)) return succeed(result);
  return { ok: false, message: messageOf(result), field: fieldOf(result), error: result };
}
