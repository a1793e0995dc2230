import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { describeRequestError, isTypename } from './request.js';

describe('describeRequestError', () => {
  it('words a network failure as such', () => {
    const error = new CombinedError({ networkError: new TypeError('Failed to fetch') });
    expect(describeRequestError(error)).toBe(
      'The Lobby server cannot be reached. Check your connection and try again.',
    );
  });

  it('tells a refused sign-in apart from other errors', () => {
    const refused = new CombinedError({
      graphQLErrors: [
        new GraphQLError('Invalid token', { extensions: { code: 'UNAUTHENTICATED' } }),
      ],
    });
    expect(describeRequestError(refused)).toContain('Your sign-in was not accepted');
  });

  it('passes other GraphQL errors through', () => {
    const error = new CombinedError({ graphQLErrors: [new GraphQLError('Too many aliases')] });
    expect(describeRequestError(error)).toBe('Too many aliases');
  });

  it('handles an answer with neither data nor error', () => {
    expect(describeRequestError(undefined)).toContain('empty answer');
  });
});

describe('isTypename', () => {
  it('narrows a result union by its __typename', () => {
    type Result = { __typename: 'A'; a: number } | { __typename: 'B'; b: string };
    const results: Result[] = [{ __typename: 'B', b: 'yes' }];
    const [result] = results;
    if (result === undefined) throw new Error('no result');
    expect(isTypename(result, 'B') ? result.b : null).toBe('yes');
    expect(isTypename(result, 'A')).toBe(false);
  });
});
